from django import forms

from alerts.searches import MAX_QUERY


class EmailField(forms.EmailField):
    """An address as we store it: trimmed, lower-case (one mailbox, one row)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.lower() if value else value


class DeadlineSubscribeForm(forms.Form):
    email = EmailField(
        label="メールアドレス",
        max_length=254,
        error_messages={
            "required": "メールアドレスを入力してください。",
            "invalid": "メールアドレスの形式が正しくありません（例: name@example.jp）。",
            "max_length": "メールアドレスが長すぎます（254文字まで）。",
        },
    )


class SearchSubscribeForm(DeadlineSubscribeForm):
    query = forms.CharField(
        required=False,
        max_length=MAX_QUERY,
        widget=forms.HiddenInput,
        error_messages={"max_length": "検索条件が長すぎるため登録できません。条件を減らしてください。"},
    )
