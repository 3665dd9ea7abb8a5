"""The 中小企業 rule at every boundary, and each condition kind met / failed / unknown (subsidies.eligibility)."""

import numpy as np
import pytest

from subsidies.eligibility import (
    BUSINESS_TYPE_BY_KEY,
    FAILED,
    JSIC_BIT,
    KIND_BIT,
    LEGAL_BIT,
    MET,
    NONE,
    UNKNOWN,
    Applicant,
    Columns,
    CompanySize,
    ConditionKind,
    Fit,
    company_size,
    fit_of,
    mask_of,
    reasons,
    states,
    worst,
)

MAN = 10_000


@pytest.mark.parametrize(
    ("size_class", "employees", "capital", "sme"),
    [
        # サービス業: 100人 / 5,000万円
        ("service", 100, None, True),
        ("service", 101, 5_000 * MAN, True),
        ("service", 101, 5_000 * MAN + 1, False),
        ("service", 101, None, None),
        # 小売業: 50人 / 5,000万円
        ("retail", 50, None, True),
        ("retail", 51, 5_000 * MAN + 1, False),
        ("retail", 51, 5_000 * MAN, True),
        # 卸売業: 100人 / 1億円
        ("wholesale", 100, None, True),
        ("wholesale", 101, 10_000 * MAN, True),
        ("wholesale", 101, 10_000 * MAN + 1, False),
        # 製造業その他: 300人 / 3億円
        ("manufacturing", 300, None, True),
        ("manufacturing", 301, 30_000 * MAN, True),
        ("manufacturing", 301, 30_000 * MAN + 1, False),
        # 宿泊業・娯楽業: サービス業の 100人 / 5,000万円
        ("lodging", 100, None, True),
        ("lodging", 101, 5_000 * MAN + 1, False),
        # capital alone decides a "yes"; a "no" needs both
        ("manufacturing", None, 30_000 * MAN, True),
        ("manufacturing", None, 30_000 * MAN + 1, None),
    ],
)
def test_sme_boundaries(size_class, employees, capital, sme):
    size = company_size(size_class=size_class, employees=employees, capital=capital, legal_form="kabushiki")
    assert size.sme is sme


@pytest.mark.parametrize(
    ("size_class", "employees", "small"),
    [
        ("manufacturing", 20, True),
        ("manufacturing", 21, False),
        ("service", 5, True),
        ("service", 6, False),
        ("retail", 5, True),
        ("retail", 6, False),
        ("wholesale", 5, True),
        ("wholesale", 6, False),
        ("lodging", 20, True),  # 宿泊業・娯楽業 20人
        ("lodging", 21, False),
        ("service", None, None),
    ],
)
def test_small_business_boundaries(size_class, employees, small):
    assert (
        company_size(size_class=size_class, employees=employees, capital=None, legal_form="godo").small
        is small
    )


def test_the_class_comes_from_the_business_type_where_jsic_splits_it():
    assert BUSINESS_TYPE_BY_KEY["retail"].size_class == "retail"
    assert BUSINESS_TYPE_BY_KEY["wholesale"].size_class == "wholesale"
    assert BUSINESS_TYPE_BY_KEY["lodging"].size_class == "lodging"
    assert BUSINESS_TYPE_BY_KEY["food-service"].size_class == "retail"  # 飲食店は小売業の区分
    assert BUSINESS_TYPE_BY_KEY["entertainment"].size_class == "lodging"
    assert BUSINESS_TYPE_BY_KEY["manufacturing"].size_class == "manufacturing"


def test_an_unknown_class_is_decided_only_when_every_class_agrees():
    assert company_size(size_class=None, employees=5, capital=None, legal_form="kabushiki") == CompanySize(
        True, True
    )
    assert company_size(size_class=None, employees=50, capital=None, legal_form="kabushiki").sme is True
    assert company_size(size_class=None, employees=51, capital=None, legal_form="kabushiki").sme is None
    assert company_size(size_class=None, employees=12, capital=None, legal_form="kabushiki").small is None
    assert (
        company_size(size_class=None, employees=301, capital=30_000 * MAN + 1, legal_form="kabushiki").sme
        is False
    )


def test_only_companies_and_sole_proprietors_are_smes_and_a_blank_form_leaves_a_yes_open():
    assert company_size(size_class="service", employees=3, capital=0, legal_form="npo") == CompanySize(
        False, False
    )
    assert company_size(
        size_class="service", employees=3, capital=0, legal_form="sole-proprietor"
    ) == CompanySize(True, True)
    assert company_size(size_class="service", employees=3, capital=0, legal_form="") == CompanySize(
        None, None
    )
    assert company_size(size_class="service", employees=101, capital=10**9, legal_form="") == CompanySize(
        False, False
    )


# --- each condition kind ---------------------------------------------------------------------------------
def one(**values) -> Columns:
    columns = Columns.empty(1)
    columns.registered[0] = True
    for name, value in values.items():
        if name == "cities":
            columns.cities = {0: tuple(value)}
        else:
            getattr(columns, name)[0] = value
    return columns


def evaluate(columns, applicant, *, in_region=True, national=False, listed=False, industry_ok=False):
    return states(
        columns,
        applicant,
        in_region=None if applicant.prefecture is None else np.array([in_region]),
        national=np.array([national]),
        industry_listed=np.array([listed]),
        industry_ok=None if applicant.business is None else np.array([industry_ok]),
    )


class Pref:
    name = "東京都"


MAKER = BUSINESS_TYPE_BY_KEY["manufacturing"]


def state(columns, applicant, kind, **kwargs) -> int:
    return int(evaluate(columns, applicant, **kwargs)[kind][0])


def test_region_met_failed_unknown_and_national_is_met_without_a_prefecture():
    assert state(one(), Applicant(prefecture=Pref()), ConditionKind.REGION, in_region=True) == MET
    assert state(one(), Applicant(prefecture=Pref()), ConditionKind.REGION, in_region=False) == FAILED
    assert state(one(), Applicant(employees=3), ConditionKind.REGION) == UNKNOWN
    assert state(one(), Applicant(employees=3), ConditionKind.REGION, national=True) == MET


def test_municipality():
    columns = one(cities=["札幌市"])
    assert state(columns, Applicant(municipality="札幌市"), ConditionKind.MUNICIPALITY) == MET
    assert state(columns, Applicant(municipality="旭川市"), ConditionKind.MUNICIPALITY) == FAILED
    assert state(columns, Applicant(employees=1), ConditionKind.MUNICIPALITY) == UNKNOWN
    assert state(one(), Applicant(municipality="旭川市"), ConditionKind.MUNICIPALITY) == NONE


def test_industry_listed_and_excluded():
    maker = Applicant(business=MAKER)
    assert state(one(), maker, ConditionKind.INDUSTRY, listed=True, industry_ok=True) == MET
    assert state(one(), maker, ConditionKind.INDUSTRY, listed=True, industry_ok=False) == FAILED
    assert state(one(), maker, ConditionKind.INDUSTRY, listed=False) == NONE
    assert state(one(excluded=JSIC_BIT["E"]), maker, ConditionKind.INDUSTRY) == FAILED
    assert state(one(excluded=JSIC_BIT["J"]), maker, ConditionKind.INDUSTRY) == MET
    assert state(one(), Applicant(employees=1), ConditionKind.INDUSTRY, listed=True) == UNKNOWN


def test_legal_form():
    columns = one(legal_forms=mask_of(["npo", "neighborhood"], LEGAL_BIT))
    assert state(columns, Applicant(legal_form="npo"), ConditionKind.LEGAL_FORM) == MET
    assert state(columns, Applicant(legal_form="kabushiki"), ConditionKind.LEGAL_FORM) == FAILED
    assert state(columns, Applicant(employees=1), ConditionKind.LEGAL_FORM) == UNKNOWN
    assert state(one(), Applicant(legal_form="kabushiki"), ConditionKind.LEGAL_FORM) == NONE


def test_employee_and_capital_limits_are_inclusive():
    assert state(one(max_employees=20), Applicant(employees=20), ConditionKind.EMPLOYEES) == MET
    assert state(one(max_employees=20), Applicant(employees=21), ConditionKind.EMPLOYEES) == FAILED
    assert state(one(max_employees=20), Applicant(capital=1), ConditionKind.EMPLOYEES) == UNKNOWN
    assert state(one(max_capital=10**8), Applicant(capital=10**8), ConditionKind.CAPITAL) == MET
    assert state(one(max_capital=10**8), Applicant(capital=10**8 + 1), ConditionKind.CAPITAL) == FAILED
    assert state(one(max_capital=10**8), Applicant(employees=1), ConditionKind.CAPITAL) == UNKNOWN


def test_size_rule_uses_the_sme_definition():
    sme_only, small_only = one(size=1), one(size=2)
    twelve = Applicant(business=MAKER, legal_form="kabushiki", employees=12, capital=1000 * MAN)
    assert state(sme_only, twelve, ConditionKind.SIZE) == MET
    assert state(small_only, twelve, ConditionKind.SIZE) == MET  # 製造業 20人以下
    retail = Applicant(business=BUSINESS_TYPE_BY_KEY["retail"], legal_form="kabushiki", employees=12)
    assert state(small_only, retail, ConditionKind.SIZE) == FAILED  # 小売業 5人以下
    assert state(sme_only, Applicant(business=MAKER, legal_form="kabushiki"), ConditionKind.SIZE) == UNKNOWN
    assert state(sme_only, Applicant(legal_form="npo", employees=3), ConditionKind.SIZE) == FAILED


def test_sme_etc_leaves_other_forms_unknown_and_judges_companies_by_size():
    columns = one(size=1, undetermined=KIND_BIT[ConditionKind.LEGAL_FORM])
    company = Applicant(business=MAKER, legal_form="kabushiki", employees=12)
    assert state(columns, company, ConditionKind.SIZE) == MET
    assert state(columns, company, ConditionKind.LEGAL_FORM) == NONE
    npo = Applicant(legal_form="npo", employees=3)
    assert state(columns, npo, ConditionKind.SIZE) == UNKNOWN
    assert state(columns, npo, ConditionKind.LEGAL_FORM) == UNKNOWN


def test_years_in_business():
    assert state(one(min_years=2), Applicant(years=2), ConditionKind.YEARS) == MET
    assert state(one(min_years=2), Applicant(years=1), ConditionKind.YEARS) == FAILED
    assert state(one(max_years=5), Applicant(years=4), ConditionKind.YEARS) == MET
    assert state(one(max_years=5), Applicant(years=5), ConditionKind.YEARS) == FAILED  # 5年未満
    assert state(one(max_years=5), Applicant(employees=3), ConditionKind.YEARS) == UNKNOWN


def test_an_undetermined_condition_is_unknown_whatever_the_profile():
    columns = one(
        max_employees=20, undetermined=KIND_BIT[ConditionKind.EMPLOYEES] | KIND_BIT[ConditionKind.OTHER]
    )
    by_kind = evaluate(columns, Applicant(employees=3))
    assert by_kind[ConditionKind.EMPLOYEES][0] == UNKNOWN
    assert by_kind[ConditionKind.OTHER][0] == UNKNOWN


def test_a_listing_without_conditions_is_never_a_sure_fit():
    columns = Columns.empty(1)
    by_kind = evaluate(columns, Applicant(prefecture=Pref()), in_region=True)
    assert fit_of(int(worst(by_kind)[0])) == Fit.CHECK
    texts = [
        r.text
        for r in reasons(
            columns, by_kind, 0, Applicant(prefecture=Pref()), region_names=["全国"], industry_codes=[]
        )
    ]
    assert "この掲載の対象条件はまだ登録されていません（公募要領で確認してください）" in texts


def test_groups_from_the_worst_state():
    assert fit_of(MET) == Fit.LIKELY
    assert fit_of(NONE) == Fit.LIKELY
    assert fit_of(UNKNOWN) == Fit.CHECK
    assert fit_of(FAILED) == Fit.NOT_ELIGIBLE


def test_reasons_read_in_plain_japanese_failed_first():
    columns = one(max_employees=20, legal_forms=mask_of(["npo"], LEGAL_BIT))
    applicant = Applicant(prefecture=Pref(), employees=12, legal_form="kabushiki")
    by_kind = evaluate(columns, applicant, in_region=True)
    found = reasons(columns, by_kind, 0, applicant, region_names=["東京都"], industry_codes=[])
    assert [(r.text, r.mark) for r in found] == [
        ("形態 株式会社：対象 NPO法人（特定非営利活動法人）", "✗"),
        ("所在地 東京都：対象地域 東京都", "✓"),
        ("従業員12人：上限20人以下", "✓"),
    ]


def test_columns_at_some_positions_keep_each_rows_own_municipalities():
    columns = Columns.empty(6)
    columns.max_employees[:] = [1, 2, 3, 4, 5, 6]
    columns.cities = {1: ("渋谷区",), 4: ("札幌市",), 5: ("那覇市",)}
    picked = columns.at(np.array([0, 4, 5]))
    assert picked.max_employees.tolist() == [1, 5, 6]
    assert picked.cities == {1: ("札幌市",), 2: ("那覇市",)}
    assert columns.at(np.array([0, 2])).cities == {}
    assert columns.at(np.array([], dtype=np.int64)).cities == {}


def test_every_mask_and_limit_fits_its_column():
    """The index keeps the masks in int32 and the years in int16 (``Columns``): every bit and every value the
    model fields allow must fit."""
    columns = Columns.empty(1)
    for bits, column in (
        (JSIC_BIT, columns.excluded),
        (LEGAL_BIT, columns.legal_forms),
        (KIND_BIT, columns.undetermined),
    ):
        column[0] = mask_of(list(bits), bits)
        assert int(column[0]) == sum(bits.values())
    columns.max_employees[0] = 2_147_483_647  # PositiveIntegerField's largest
    columns.max_years[0] = columns.min_years[0] = 32_767  # PositiveSmallIntegerField's largest
    columns.max_capital[0] = 9_223_372_036_854_775_807  # PositiveBigIntegerField's largest
    assert (int(columns.max_employees[0]), int(columns.max_years[0])) == (2_147_483_647, 32_767)
    assert int(columns.max_capital[0]) == 9_223_372_036_854_775_807
