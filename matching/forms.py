"""The company profile: a GET form whose query string is the profile (shareable, bookmarkable)."""

import unicodedata

from django import forms
from django.http import QueryDict

from subsidies.eligibility import BUSINESS_TYPE_BY_KEY, BUSINESS_TYPES, Applicant, LegalForm
from subsidies.models import Region
from subsidies.vocabulary import Vocabulary

# The profile's parameters. The listing's own parameters (purpose, status, amount, ...) ride along and
# filter the results on top; the profile's names differ from them so that neither shadows the other.
PROFILE_FIELDS = ("pref", "city", "biz", "form", "emp", "cap", "years")
MAN = 10_000


class ProfileForm(forms.Form):
    pref = forms.ChoiceField(label="所在地（都道府県）", required=False)
    city = forms.CharField(
        label="市区町村",
        required=False,
        max_length=40,
        help_text="市区町村に限る制度の判定に使います（例: 札幌市）。",
    )
    biz = forms.ChoiceField(
        label="業種",
        required=False,
        choices=[("", "選択してください"), *((b.key, f"{b.jsic} {b.label}") for b in BUSINESS_TYPES)],
        help_text="日本標準産業分類の大分類。中小企業の判定区分が分かれる業種（卸売・小売、宿泊・飲食など）は分けています。",
    )
    form = forms.ChoiceField(
        label="法人格・組織の形態",
        required=False,
        choices=[("", "選択してください"), *LegalForm.choices],
    )
    emp = forms.IntegerField(
        label="常時使用する従業員数（人）",
        required=False,
        min_value=0,
        max_value=1_000_000,
        help_text="役員・家族従業員・パートを除く正社員の数が目安です。",
    )
    cap = forms.IntegerField(
        label="資本金（万円）",
        required=False,
        min_value=0,
        max_value=100_000_000,
        help_text="個人事業主・資本金のない団体は 0。",
    )
    years = forms.IntegerField(
        label="創業・設立からの年数（年）",
        required=False,
        min_value=0,
        max_value=500,
        help_text="満年数。創業前は 0。",
    )
    purpose = forms.MultipleChoiceField(
        label="やりたいこと（利用目的）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data: QueryDict, *, vocabulary: Vocabulary):
        data = data.copy()
        for name in ("city", "emp", "cap", "years"):  # full-width digits and stray spaces are common
            if name in data:
                data[name] = _half_width(data[name])
        super().__init__(data)
        self.vocabulary = vocabulary
        prefectures = [r for r in vocabulary.regions if r.kind == Region.Kind.PREFECTURE]
        self.fields["pref"].choices = [("", "選択してください"), *((r.slug, r.name) for r in prefectures)]
        self.fields["purpose"].choices = [(p.slug, p.name) for p in vocabulary.purposes]
        self.is_valid()

    def applicant(self) -> Applicant:
        """The profile, from the fields that are valid (an invalid one is reported and left blank)."""
        data = getattr(self, "cleaned_data", {})
        capital = data.get("cap")
        return Applicant(
            prefecture=self.vocabulary.by_slug["region"].get(data.get("pref") or ""),
            municipality=(data.get("city") or "").strip(),
            business=BUSINESS_TYPE_BY_KEY.get(data.get("biz") or ""),
            legal_form=data.get("form") or "",
            employees=data.get("emp"),
            capital=None if capital is None else capital * MAN,
            years=data.get("years"),
        )

    def query(self) -> str:
        """The valid profile as a query string (for links to a listing's detail page)."""
        data = getattr(self, "cleaned_data", {})
        params = QueryDict(mutable=True)
        for name in PROFILE_FIELDS:
            value = data.get(name)
            if value not in (None, ""):
                params[name] = str(value)
        return params.urlencode()


def _half_width(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().replace(",", "")
