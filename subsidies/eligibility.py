"""Who may apply: a listing's eligibility conditions as data, and how they meet an applicant's profile.

Each listing may have one ``Eligibility`` row (edited inline in the admin) that states, from the listing's own
text, its limits: municipalities, excluded industries, legal forms, employee and capital limits, 中小企業 /
小規模事業者 only, years in business. The listing's region (``Subsidy.regions``, the 全国/block rule) and its
industries (``Subsidy.industries``, blank = every industry) are conditions too. A condition the text mentions
but that could not be settled is listed in ``undetermined`` and stays unknown.

Every condition evaluates to one of four states against an ``Applicant``:

- ``NONE``: the listing states no such condition;
- ``MET`` / ``FAILED``: decided from the listing and the profile;
- ``UNKNOWN``: the profile leaves the value blank, the listing's value is undetermined, or the listing has no
  ``Eligibility`` row at all (then it is never a sure fit).

Nothing is guessed: 「従業員が未入力」 never passes an employee limit, and a listing without conditions is not
「対象になりそう」.

The states are computed over NumPy columns (``Columns``, kept in the listing index next to the facets), so one
rule serves the whole catalog (the /match/ page at 200,000 listings), one listing (the detail page's verdict)
and the reasons on a card, which are read from the same states.
"""

import dataclasses
import unicodedata

import numpy as np
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .formatting import format_yen

# --- states ---------------------------------------------------------------------------------------------
NONE, MET, UNKNOWN, FAILED = 0, 1, 2, 3
STATE_NAMES = {MET: "met", UNKNOWN: "unknown", FAILED: "failed"}


class Fit(models.TextChoices):
    """The three result groups of a listing for a profile."""

    LIKELY = "likely", "対象になりそう"
    CHECK = "check", "要確認"
    NOT_ELIGIBLE = "not-eligible", "対象外"


def fit_of(worst: int) -> Fit:
    """The group of a listing from the worst state of its conditions."""
    if worst >= FAILED:
        return Fit.NOT_ELIGIBLE
    if worst == UNKNOWN:
        return Fit.CHECK
    return Fit.LIKELY


# --- vocabularies ---------------------------------------------------------------------------------------
class LegalForm(models.TextChoices):
    STOCK_COMPANY = "kabushiki", "株式会社"
    LLC = "godo", "合同会社"
    OTHER_COMPANY = "other-company", "合名会社・合資会社・有限会社"
    SOLE_PROPRIETOR = "sole-proprietor", "個人事業主"
    NPO = "npo", "NPO法人（特定非営利活動法人）"
    GENERAL_INCORPORATED = "general-incorporated", "一般社団法人・一般財団法人"
    PUBLIC_INTEREST = "public-interest", "公益社団法人・公益財団法人"
    WELFARE_MEDICAL = "welfare-medical", "社会福祉法人・医療法人"
    SCHOOL = "school", "学校法人"
    COOPERATIVE = "cooperative", "協同組合・農事組合法人など"
    NEIGHBORHOOD = "neighborhood", "自治会・町内会"
    VOLUNTARY = "voluntary", "任意団体（法人格なし）"
    INDIVIDUAL = "individual", "個人（事業を営んでいない）"
    LOCAL_GOVERNMENT = "local-government", "地方公共団体"


# 中小企業基本法の中小企業者は「会社又は個人」: companies and sole proprietors only.
SME_LEGAL_FORMS = frozenset(
    {LegalForm.STOCK_COMPANY, LegalForm.LLC, LegalForm.OTHER_COMPANY, LegalForm.SOLE_PROPRIETOR}
)

# JSIC 大分類 (letter, name): the industries of ``reference/vocabulary.md``.
JSIC = (
    ("A", "農業、林業"),
    ("B", "漁業"),
    ("C", "鉱業、採石業、砂利採取業"),
    ("D", "建設業"),
    ("E", "製造業"),
    ("F", "電気・ガス・熱供給・水道業"),
    ("G", "情報通信業"),
    ("H", "運輸業、郵便業"),
    ("I", "卸売業、小売業"),
    ("J", "金融業、保険業"),
    ("K", "不動産業、物品賃貸業"),
    ("L", "学術研究、専門・技術サービス業"),
    ("M", "宿泊業、飲食サービス業"),
    ("N", "生活関連サービス業、娯楽業"),
    ("O", "教育、学習支援業"),
    ("P", "医療、福祉"),
    ("Q", "複合サービス事業"),
    ("R", "サービス業（他に分類されないもの）"),
    ("S", "公務（他に分類されるものを除く）"),
    ("T", "分類不能の産業"),
)
JSIC_NAMES = dict(JSIC)
JSIC_BIT = {letter: 1 << i for i, (letter, _) in enumerate(JSIC)}


class SizeClass(models.TextChoices):
    """中小企業基本法の業種区分 (the table in ``reference/vocabulary.md``)."""

    MANUFACTURING = "manufacturing", "製造業・建設業・運輸業・その他"
    WHOLESALE = "wholesale", "卸売業"
    RETAIL = "retail", "小売業"
    SERVICE = "service", "サービス業"
    LODGING = "lodging", "宿泊業・娯楽業"


@dataclasses.dataclass(frozen=True)
class SizeLimits:
    capital: int  # yen, inclusive
    employees: int  # 中小企業: regular employees, inclusive
    small_employees: int  # 小規模事業者


# 中小企業: capital ≤ or employees ≤ (either suffices). 小規模事業者: employees ≤ (商業・サービス業 5;
# 宿泊業・娯楽業 and 製造業その他 20). 宿泊業・娯楽業 are サービス業 for the 中小企業 limits.
SIZE_LIMITS = {
    SizeClass.MANUFACTURING: SizeLimits(300_000_000, 300, 20),
    SizeClass.WHOLESALE: SizeLimits(100_000_000, 100, 5),
    SizeClass.RETAIL: SizeLimits(50_000_000, 50, 5),
    SizeClass.SERVICE: SizeLimits(50_000_000, 100, 5),
    SizeClass.LODGING: SizeLimits(50_000_000, 100, 20),
}


# The largest 小規模事業者 in any industry: a 小規模事業者-only listing admits no company above it.
SMALL_BUSINESS_MAX_EMPLOYEES = max(limits.small_employees for limits in SIZE_LIMITS.values())


@dataclasses.dataclass(frozen=True)
class BusinessType:
    """What an applicant picks as its industry: a JSIC major group, split where the 中小企業 class differs
    inside it (I: 卸売業 / 小売業; M: 宿泊業 / 飲食店; N: 生活関連サービス業 / 娯楽業; ...)."""

    key: str
    label: str
    jsic: str
    size_class: SizeClass


_M, _W, _R, _S, _L = (
    SizeClass.MANUFACTURING,
    SizeClass.WHOLESALE,
    SizeClass.RETAIL,
    SizeClass.SERVICE,
    SizeClass.LODGING,
)
BUSINESS_TYPES = tuple(
    BusinessType(*row)
    for row in (
        ("agriculture", "農業、林業", "A", _M),
        ("fisheries", "漁業", "B", _M),
        ("mining", "鉱業、採石業、砂利採取業", "C", _M),
        ("construction", "建設業", "D", _M),
        ("manufacturing", "製造業", "E", _M),
        ("utilities", "電気・ガス・熱供給・水道業", "F", _M),
        ("it-services", "情報通信業（ソフトウェア・情報処理・放送・映像等の制作）", "G", _S),
        ("telecom", "情報通信業（通信業・インターネット附随サービス業など）", "G", _M),
        ("transport", "運輸業、郵便業", "H", _M),
        ("wholesale", "卸売業", "I", _W),
        ("retail", "小売業", "I", _R),
        ("finance", "金融業、保険業", "J", _M),
        ("real-estate", "不動産業", "K", _M),
        ("rental", "物品賃貸業", "K", _S),
        ("professional", "学術研究、専門・技術サービス業", "L", _S),
        ("lodging", "宿泊業", "M", _L),
        ("food-service", "飲食店・持ち帰り・配達飲食サービス業", "M", _R),
        ("living-services", "生活関連サービス業（理美容・クリーニング・旅行など）", "N", _S),
        ("entertainment", "娯楽業", "N", _L),
        ("education", "教育、学習支援業", "O", _S),
        ("medical-welfare", "医療、福祉", "P", _S),
        ("compound-services", "複合サービス事業", "Q", _S),
        ("other-services", "サービス業（他に分類されないもの）", "R", _S),
        ("public-service", "公務（他に分類されるものを除く）", "S", _M),
        ("unclassifiable", "分類不能の産業", "T", _M),
    )
)
BUSINESS_TYPE_BY_KEY = {b.key: b for b in BUSINESS_TYPES}


# --- the 中小企業 rule ------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class CompanySize:
    """Whether an applicant is a 中小企業者 and a 小規模事業者: True, False or None (cannot tell)."""

    sme: bool | None
    small: bool | None


def _any(*values: bool | None) -> bool | None:
    """Three-valued OR."""
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


def _at_most(value: int | None, limit: int) -> bool | None:
    return None if value is None else value <= limit


def company_size(
    *,
    size_class: SizeClass | str | None,
    employees: int | None,
    capital: int | None,
    legal_form: str = "",
) -> CompanySize:
    """中小企業者 / 小規模事業者 under 中小企業基本法, from the table in ``reference/vocabulary.md``.

    中小企業者: capital ≤ the limit **or** regular employees ≤ the limit for the class; 小規模事業者: employees ≤
    20 (製造業その他, 宿泊業・娯楽業) or 5 (商業・サービス業). Only companies and sole proprietors can be either.

    >>> company_size(size_class="service", employees=100, capital=None, legal_form="kabushiki")
    CompanySize(sme=True, small=False)
    >>> company_size(size_class="service", employees=101, capital=50_000_001, legal_form="kabushiki")
    CompanySize(sme=False, small=False)
    >>> company_size(size_class="retail", employees=51, capital=None, legal_form="kabushiki")
    CompanySize(sme=None, small=False)

    An unknown class is decided when every class gives the same answer (5 employees are small in any class);
    an unknown legal form leaves a "yes" undecided (it holds only for a company or a sole proprietor).
    """
    if legal_form and legal_form not in SME_LEGAL_FORMS:
        return CompanySize(sme=False, small=False)
    classes = [SizeClass(size_class)] if size_class else list(SizeClass)
    results = [
        (
            _any(_at_most(capital, SIZE_LIMITS[c].capital), _at_most(employees, SIZE_LIMITS[c].employees)),
            _at_most(employees, SIZE_LIMITS[c].small_employees),
        )
        for c in classes
    ]
    sme = results[0][0] if len({r[0] for r in results}) == 1 else None
    small = results[0][1] if len({r[1] for r in results}) == 1 else None
    if not legal_form:  # a yes needs a company or a sole proprietor
        sme = None if sme else sme
        small = None if small else small
    return CompanySize(sme=sme, small=small)


# --- the listing's conditions (the model) --------------------------------------------------------------
class ConditionKind(models.TextChoices):
    REGION = "region", "地域"
    MUNICIPALITY = "municipality", "市区町村"
    INDUSTRY = "industry", "業種"
    LEGAL_FORM = "legal_form", "法人格・組織の形態"
    EMPLOYEES = "employees", "従業員数"
    CAPITAL = "capital", "資本金"
    SIZE = "size", "中小企業・小規模事業者"
    YEARS = "years", "創業からの年数"
    OTHER = "other", "その他の条件（売上高・雇用保険・認定など、プロフィールで答えられない条件）"


KIND_BIT = {kind: 1 << i for i, kind in enumerate(ConditionKind.values)}


class CodeListField(models.CharField):
    """A list of choice codes stored as one comma-separated string ("kabushiki,godo"); checkboxes in forms."""

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(v) for v in value if v]
        if not value:
            return []
        return [code for code in str(value).split(",") if code]

    def get_prep_value(self, value):
        return ",".join(self.to_python(value))

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        codes = self.to_python(value)
        known = {str(k) for k, _ in self.choices or ()}
        for code in codes:
            if code not in known:
                raise ValidationError(f"「{code}」は選べない値です。")
        if not codes and not self.blank:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs):
        from django import forms

        return forms.TypedMultipleChoiceField(
            choices=self.choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name,
            help_text=self.help_text,
        )

    def get_default(self):
        return []


class Eligibility(models.Model):
    """The structured eligibility conditions of one listing, taken from its own text."""

    class CompanySizeRule(models.TextChoices):
        ANY = "", "問わない"
        SME = "sme", "中小企業者のみ"
        SMALL = "small", "小規模事業者のみ"

    subsidy = models.OneToOneField(
        "subsidies.Subsidy",
        verbose_name="補助金",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="eligibility",
    )
    municipalities = models.CharField(
        "対象の市区町村",
        max_length=300,
        blank=True,
        help_text="市区町村に限る制度だけ。「札幌市」のように、複数は「、」で区切ります。空欄は対象地域（都道府県など）全体。",
    )
    excluded_industries = CodeListField(
        "対象外の業種",
        max_length=80,
        blank=True,
        choices=JSIC,
        help_text="公募要領が対象外とする業種（JSIC 大分類）。対象業種は掲載の「業種」欄（空欄は業種を問わない）。",
    )
    legal_forms = CodeListField(
        "対象の法人格・組織の形態",
        max_length=300,
        blank=True,
        choices=LegalForm.choices,
        help_text="申請できる形態。空欄は形態を問わない。",
    )
    company_size = models.CharField(
        "企業規模",
        max_length=10,
        blank=True,
        choices=CompanySizeRule.choices,
        help_text="中小企業基本法の中小企業者・小規模事業者に限るか（業種ごとの従業員数・資本金で判定）。",
    )
    max_employees = models.PositiveIntegerField(
        "従業員数の上限（人以下）",
        null=True,
        blank=True,
        help_text="常時使用する従業員がこの人数以下。記載がなければ空欄。",
    )
    max_capital = models.PositiveBigIntegerField(
        "資本金の上限（円以下）", null=True, blank=True, help_text="円単位。記載がなければ空欄。"
    )
    min_years = models.PositiveSmallIntegerField(
        "創業からの年数（年以上）", null=True, blank=True, help_text="「創業3年以上」なら 3。"
    )
    max_years = models.PositiveSmallIntegerField(
        "創業からの年数（年未満）",
        null=True,
        blank=True,
        help_text="「創業5年未満」なら 5（創業前を含む）。",
    )
    undetermined = CodeListField(
        "判断できなかった条件",
        max_length=200,
        blank=True,
        choices=ConditionKind.choices,
        help_text=(
            "公募要領に条件があるが内容を確かめられていないもの。利用者には「要確認」と表示されます。"
            "「中小企業者等」（組合・NPO法人なども含みうる）は、企業規模を選び、ここで「法人格・組織の形態」を選びます"
            "（会社・個人事業主は企業規模で判定し、それ以外の形態は要確認）。"
        ),
    )
    basis = models.TextField(
        "条件の根拠", blank=True, help_text="条件を取った公募要領・掲載本文の記述（要約または引用）。"
    )

    class Meta:
        verbose_name = "対象条件（プロフィール照合用）"
        verbose_name_plural = "対象条件（プロフィール照合用）"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_years__isnull=True)
                | Q(max_years__isnull=True)
                | Q(max_years__gt=models.F("min_years")),
                name="eligibility_years_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subsidy_id} の対象条件"

    def clean(self):
        if self.min_years is not None and self.max_years is not None and self.max_years <= self.min_years:
            raise ValidationError(
                {"max_years": "年数の上限（年未満）は下限（年以上）より大きくしてください。"}
            )

    @property
    def municipality_names(self) -> list[str]:
        return split_names(self.municipalities)


def normalize_name(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().replace(" ", "")


def split_names(text: str) -> list[str]:
    names = unicodedata.normalize("NFKC", text or "").replace(",", "、").split("、")
    return [normalize_name(n) for n in names if normalize_name(n)]


LEGAL_BIT = {code: 1 << i for i, code in enumerate(LegalForm.values)}
SIZE_RULE_CODE = {"": 0, Eligibility.CompanySizeRule.SME: 1, Eligibility.CompanySizeRule.SMALL: 2}
REGISTERED = "registered"  # the pseudo-condition "this listing has structured conditions at all"


def mask_of(codes, bits: dict) -> int:
    result = 0
    for code in codes:
        result |= bits.get(code, 0)
    return result


def codes_in(mask: int, bits: dict) -> list[str]:
    return [code for code, bit in bits.items() if mask & bit]


# --- the applicant --------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Applicant:
    """A company profile (every field optional). ``capital`` in yen; ``years`` full years in business."""

    prefecture: object = None  # a prefecture Region
    municipality: str = ""
    business: BusinessType | None = None
    legal_form: str = ""
    employees: int | None = None
    capital: int | None = None
    years: int | None = None

    @property
    def is_empty(self) -> bool:
        return self == Applicant()

    def size(self) -> CompanySize:
        return company_size(
            size_class=self.business.size_class if self.business else None,
            employees=self.employees,
            capital=self.capital,
            legal_form=self.legal_form,
        )


# --- the columns and the rule over them -----------------------------------------------------------------
@dataclasses.dataclass
class Columns:
    """The conditions of every listing of the listing index, one row per listing in its order."""

    # Each column as narrow as its field allows (a PositiveIntegerField fits int32, a PositiveSmallIntegerField
    # int16; each mask has fewer than 31 bits): 200,000 rows take 6.8 MB instead of 12.4.
    registered: np.ndarray  # bool: has an Eligibility row
    excluded: np.ndarray  # int32 JSIC mask
    legal_forms: np.ndarray  # int32 LegalForm mask; 0 = any
    size: np.ndarray  # int8: 0 any, 1 中小企業者のみ, 2 小規模事業者のみ
    max_employees: np.ndarray  # int32, -1 = no limit
    max_capital: np.ndarray  # int64, -1 = no limit
    min_years: np.ndarray  # int16, -1 = none
    max_years: np.ndarray  # int16, -1 = none
    undetermined: np.ndarray  # int32 ConditionKind mask
    cities: dict  # position -> tuple of normalised municipality names (only listings limited to some)

    @classmethod
    def empty(cls, size: int) -> "Columns":
        return cls(
            registered=np.zeros(size, dtype=bool),
            excluded=np.zeros(size, dtype=np.int32),
            legal_forms=np.zeros(size, dtype=np.int32),
            size=np.zeros(size, dtype=np.int8),
            max_employees=np.full(size, -1, dtype=np.int32),
            max_capital=np.full(size, -1, dtype=np.int64),
            min_years=np.full(size, -1, dtype=np.int16),
            max_years=np.full(size, -1, dtype=np.int16),
            undetermined=np.zeros(size, dtype=np.int32),
            cities={},
        )

    def at(self, positions) -> "Columns":
        """The rows at ``positions`` (an ascending array), as Columns of their own."""
        positions = np.asarray(positions, dtype=np.int64)
        values = {
            f.name: getattr(self, f.name)[positions] for f in dataclasses.fields(self) if f.name != "cities"
        }
        cities = {}
        if self.cities and positions.size:
            limited = np.fromiter(self.cities, dtype=np.int64, count=len(self.cities))
            where = np.minimum(np.searchsorted(positions, limited), positions.size - 1)
            kept = positions[where] == limited
            for found, row in zip(limited[kept].tolist(), where[kept].tolist(), strict=True):
                cities[row] = self.cities[found]
        return Columns(**values, cities=cities)


def _three(decided: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """MET where ``ok``, FAILED elsewhere, NONE where the condition is not ``decided`` (applies)."""
    return np.where(decided, np.where(ok, MET, FAILED), NONE).astype(np.int8)


def _limit(limit: np.ndarray, value: int | None, *, below: bool = False) -> np.ndarray:
    applies = limit >= 0
    if value is None:
        return np.where(applies, UNKNOWN, NONE).astype(np.int8)
    return _three(applies, value < limit if below else value <= limit)


def states(
    columns: Columns,
    applicant: Applicant,
    *,
    in_region: np.ndarray | None,
    national: np.ndarray,
    industry_listed: np.ndarray,
    industry_ok: np.ndarray | None,
) -> dict:
    """Each condition's state (NONE / MET / UNKNOWN / FAILED) for every row of ``columns``.

    The listing's facets come from the listing index: ``in_region``, rows available in the applicant's
    prefecture (the 全国/block rule of ``in_region``), None when the profile names none; ``national``, rows for
    全国 (met by any applicant in Japan); ``industry_listed``, rows naming industries; ``industry_ok``, rows
    naming the applicant's JSIC group (None when the profile names no industry).
    """
    n = len(columns.registered)
    result = {}
    if in_region is None:
        result[ConditionKind.REGION] = np.where(national, MET, UNKNOWN).astype(np.int8)
    else:
        result[ConditionKind.REGION] = np.where(in_region, MET, FAILED).astype(np.int8)

    has_city = np.zeros(n, dtype=bool)
    has_city[list(columns.cities)] = True
    if not applicant.municipality:
        result[ConditionKind.MUNICIPALITY] = np.where(has_city, UNKNOWN, NONE).astype(np.int8)
    else:
        city = normalize_name(applicant.municipality)
        found = np.zeros(n, dtype=bool)
        found[[p for p, names in columns.cities.items() if city in names]] = True
        result[ConditionKind.MUNICIPALITY] = _three(has_city, found)

    # The listing's own industries (``Subsidy.industries``; none named = every industry) and its exclusions.
    applies = industry_listed | (columns.excluded != 0)
    if applicant.business is None:
        result[ConditionKind.INDUSTRY] = np.where(applies, UNKNOWN, NONE).astype(np.int8)
    else:
        bit = JSIC_BIT[applicant.business.jsic]
        ok = (~industry_listed | industry_ok) & (columns.excluded & bit == 0)
        result[ConditionKind.INDUSTRY] = _three(applies, ok)

    applies = columns.legal_forms != 0
    if not applicant.legal_form:
        result[ConditionKind.LEGAL_FORM] = np.where(applies, UNKNOWN, NONE).astype(np.int8)
    else:
        result[ConditionKind.LEGAL_FORM] = _three(
            applies, columns.legal_forms & LEGAL_BIT[applicant.legal_form] != 0
        )

    result[ConditionKind.EMPLOYEES] = _limit(columns.max_employees, applicant.employees)
    result[ConditionKind.CAPITAL] = _limit(columns.max_capital, applicant.capital)

    size = applicant.size()
    by_rule = np.array(
        [NONE, *({True: MET, False: FAILED, None: UNKNOWN}[v] for v in (size.sme, size.small))], dtype=np.int8
    )
    result[ConditionKind.SIZE] = by_rule[columns.size]

    years = np.maximum(
        _limit(columns.max_years, applicant.years, below=True),
        np.where(
            columns.min_years >= 0,
            UNKNOWN
            if applicant.years is None
            else np.where(applicant.years >= columns.min_years, MET, FAILED),
            NONE,
        ).astype(np.int8),
    )
    result[ConditionKind.YEARS] = years
    result[ConditionKind.OTHER] = np.zeros(n, dtype=np.int8)  # stated only as undetermined (below)

    for kind, bit in KIND_BIT.items():
        undetermined = columns.undetermined & bit != 0
        result[kind] = np.where(undetermined, UNKNOWN, result[kind]).astype(np.int8)

    # 「中小企業者等」 is stated as a size rule with the legal forms undetermined: a company or a sole proprietor
    # is judged by the size rule alone, any other form is unknown on the size rule (it may be in the 「等」).
    open_forms = (columns.undetermined & KIND_BIT[ConditionKind.LEGAL_FORM] != 0) & (columns.size != 0)
    if applicant.legal_form in SME_LEGAL_FORMS:
        moot = open_forms & (columns.legal_forms == 0)
        result[ConditionKind.LEGAL_FORM] = np.where(moot, NONE, result[ConditionKind.LEGAL_FORM]).astype(
            np.int8
        )
    elif applicant.legal_form:
        size_state = result[ConditionKind.SIZE]
        result[ConditionKind.SIZE] = np.where(
            open_forms & (size_state == FAILED), UNKNOWN, size_state
        ).astype(np.int8)
    result[REGISTERED] = np.where(columns.registered, NONE, UNKNOWN).astype(np.int8)
    return result


def worst(by_kind: dict) -> np.ndarray:
    """The worst state of every row: FAILED, else UNKNOWN, else MET/NONE."""
    return np.maximum.reduce(list(by_kind.values()))


# --- reasons, in plain Japanese ------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Reason:
    kind: str
    state: int
    text: str

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state]

    @property
    def mark(self) -> str:
        return {MET: "✓", UNKNOWN: "？", FAILED: "✗"}[self.state]

    @property
    def mark_label(self) -> str:
        return {MET: "満たす", UNKNOWN: "要確認", FAILED: "満たさない"}[self.state]


def _joined(names) -> str:
    return "・".join(names)


def reasons(
    columns: Columns, by_kind: dict, row: int, applicant: Applicant, *, region_names, industry_codes
) -> list[Reason]:
    """The reasons of row ``row`` (its stated conditions, each with its state), failed first, then unknown."""
    found = []

    def add(kind, text):
        state = int(by_kind[kind][row])
        if state != NONE:
            found.append(Reason(str(kind), state, text))

    undetermined = int(columns.undetermined[row])

    def undecided(kind) -> bool:
        if undetermined & KIND_BIT[kind]:
            add(kind, f"{ConditionKind(kind).label}の条件：公募要領で確認が必要です")
            return True
        return False

    pref = applicant.prefecture
    area = _joined(region_names) or "記載なし"
    if not undecided(ConditionKind.REGION):
        add(
            ConditionKind.REGION,
            f"所在地 {pref.name}：対象地域 {area}" if pref else f"所在地が未入力：対象地域 {area}",
        )
        if not pref and by_kind[ConditionKind.REGION][row] == MET:
            found[-1] = Reason(ConditionKind.REGION, MET, f"対象地域 {area}（全国どこでも）")

    cities = _joined(columns.cities.get(row, ()))
    if not undecided(ConditionKind.MUNICIPALITY):
        city = applicant.municipality
        add(
            ConditionKind.MUNICIPALITY,
            f"市区町村 {city}：対象 {cities}" if city else f"市区町村が未入力：対象 {cities}",
        )

    if not undecided(ConditionKind.INDUSTRY):
        allowed = _joined(JSIC_NAMES[c] for c in industry_codes)
        excluded = _joined(JSIC_NAMES[c] for c in codes_in(int(columns.excluded[row]), JSIC_BIT))
        rule = "、".join(
            part
            for part in (allowed and f"対象業種 {allowed}", excluded and f"対象外の業種 {excluded}")
            if part
        )
        business = applicant.business
        add(ConditionKind.INDUSTRY, f"業種 {business.label}：{rule}" if business else f"業種が未入力：{rule}")

    if not undecided(ConditionKind.LEGAL_FORM):
        forms = _forms_text(int(columns.legal_forms[row]))
        form = LegalForm(applicant.legal_form).label if applicant.legal_form else ""
        add(ConditionKind.LEGAL_FORM, f"形態 {form}：対象 {forms}" if form else f"形態が未入力：対象 {forms}")

    if not undecided(ConditionKind.EMPLOYEES):
        limit = int(columns.max_employees[row])
        who = "従業員数が未入力" if applicant.employees is None else f"従業員{applicant.employees:,}人"
        add(ConditionKind.EMPLOYEES, f"{who}：上限{limit:,}人以下")

    if not undecided(ConditionKind.CAPITAL):
        limit = int(columns.max_capital[row])
        who = "資本金が未入力" if applicant.capital is None else f"資本金{format_yen(applicant.capital)}"
        add(ConditionKind.CAPITAL, f"{who}：上限{format_yen(limit)}以下")

    if not undecided(ConditionKind.SIZE) and columns.size[row]:
        add(
            ConditionKind.SIZE,
            _size_text(int(columns.size[row]), int(by_kind[ConditionKind.SIZE][row]), applicant),
        )

    if not undecided(ConditionKind.YEARS):
        low, high = int(columns.min_years[row]), int(columns.max_years[row])
        rule = "・".join(
            part for part in (low >= 0 and f"創業{low}年以上", high >= 0 and f"創業{high}年未満") if part
        )
        who = "創業からの年数が未入力" if applicant.years is None else f"創業{applicant.years}年"
        add(ConditionKind.YEARS, f"{who}：{rule}")

    if undetermined & KIND_BIT[ConditionKind.OTHER]:
        add(
            ConditionKind.OTHER,
            "プロフィールにない条件があります：公募要領で確認してください",
        )
    if by_kind[REGISTERED][row] != NONE:
        found.append(
            Reason(
                REGISTERED,
                UNKNOWN,
                "この掲載の対象条件はまだ登録されていません（公募要領で確認してください）",
            )
        )
    return sorted(found, key=lambda reason: -reason.state)


# Every 法人 form: a listing open to all of them reads 「法人（形態を問わない）」.
CORPORATE_FORMS = tuple(
    form
    for form in LegalForm.values
    if form
    not in (
        LegalForm.SOLE_PROPRIETOR,
        LegalForm.NEIGHBORHOOD,
        LegalForm.VOLUNTARY,
        LegalForm.INDIVIDUAL,
        LegalForm.LOCAL_GOVERNMENT,
    )
)


def _forms_text(mask: int) -> str:
    codes = codes_in(mask, LEGAL_BIT)
    corporate = mask_of(CORPORATE_FORMS, LEGAL_BIT)
    if mask & corporate == corporate:
        rest = [LegalForm(c).label for c in codes if c not in CORPORATE_FORMS]
        return _joined(["法人（形態を問わない）", *rest])
    return _joined(LegalForm(c).label for c in codes)


def _size_text(rule: int, state: int, applicant: Applicant) -> str:
    name = "中小企業者" if rule == 1 else "小規模事業者"
    business = applicant.business
    if state == UNKNOWN and applicant.legal_form and applicant.legal_form not in SME_LEGAL_FORMS:
        return f"{name}「等」に限る：{LegalForm(applicant.legal_form).label}が含まれるかは公募要領で確認が必要です"
    if state == UNKNOWN:
        missing = [
            label
            for label, blank in (
                ("業種", business is None),
                ("形態", not applicant.legal_form),
                ("従業員数", applicant.employees is None),
                ("資本金", rule == 1 and applicant.capital is None),
            )
            if blank
        ]
        return f"{name}に限る：{'・'.join(missing) or '入力'}が未入力のため判定できません"
    if applicant.legal_form and applicant.legal_form not in SME_LEGAL_FORMS:
        return f"{name}に限る：{LegalForm(applicant.legal_form).label}は対象外（中小企業基本法では会社・個人事業主）"
    limits = SIZE_LIMITS[business.size_class] if business else None
    verdict = "に該当" if state == MET else "に該当しない"
    if limits is None:
        return f"{name}{verdict}"
    label = business.size_class.label
    if rule == 1:
        return f"{name}{verdict}（{label}：資本金{format_yen(limits.capital)}以下または従業員{limits.employees}人以下）"
    return f"{name}{verdict}（{label}：従業員{limits.small_employees}人以下）"
