import re

from django import forms

from .text import has_words

MAX_LENGTH = 200
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]|&#?\w+;")


class QuestionForm(forms.Form):
    """The question, checked before it reaches the ranker: length, NUL, markup, and some words at all."""

    q = forms.CharField(
        label="質問",
        strip=True,
        required=True,
        error_messages={"required": "質問を入力してください。"},
        widget=forms.TextInput(attrs={"maxlength": MAX_LENGTH, "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's own NUL check answers in English; ours says it in the site's words.
        self.fields["q"].validators = []

    @property
    def shown_question(self) -> str:
        """The question as typed, for echoing back: control characters removed, at most 60 characters."""
        text = "".join(ch for ch in str(self.data.get("q", "")) if ord(ch) >= 32 and ord(ch) != 127)
        return text if len(text) <= 60 else text[:59] + "…"

    def clean_q(self) -> str:
        question = self.cleaned_data["q"]
        if "\x00" in question or any(ord(ch) < 32 and ch not in "\t\n\r" for ch in question):
            raise forms.ValidationError("使えない制御文字が含まれています。文章で質問してください。")
        if len(question) > MAX_LENGTH:
            raise forms.ValidationError(
                f"質問は{MAX_LENGTH}文字以内で入力してください（いまは{len(question)}文字です）。"
            )
        if _MARKUP.search(question):
            raise forms.ValidationError("HTML のタグや記号は使えません。文章で質問してください。")
        if not has_words(question):
            raise forms.ValidationError("質問の文章を入力してください（記号だけでは答えられません）。")
        return question
