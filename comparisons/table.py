"""The rows of a comparison table: the same rows on the detail page's similar table and on /compare/.

Each cell carries its text, so the template only displays, and 「違いだけ表示」 can tell which rows have the same
value in every column (``Row.same``).
"""

import dataclasses
import datetime

from subsidies import formatting
from subsidies.models import ApplicationStatus, Subsidy

from .similarity import Terms

NOT_STATED = formatting.NOT_STATED


@dataclasses.dataclass
class Cell:
    text: str
    note: str = ""
    # "text"; "status" (value holds the ApplicationStatus value); "check" for the expense matrix.
    kind: str = "text"
    checked: bool = False
    value: str = ""


@dataclasses.dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]
    group: str = ""

    @property
    def same(self) -> bool:
        return len({(cell.text, cell.note) for cell in self.cells}) <= 1


@dataclasses.dataclass
class Column:
    subsidy: Subsidy
    status: ApplicationStatus
    terms: Terms
    reasons: list[str] = dataclasses.field(default_factory=list)
    is_self: bool = False
    remove_url: str = ""


@dataclasses.dataclass
class Table:
    columns: list[Column]
    rows: list[Row]

    @property
    def expense_rows(self) -> list[Row]:
        return [row for row in self.rows if row.group == "expenses"]

    @property
    def plain_rows(self) -> list[Row]:
        return [row for row in self.rows if row.group == ""]

    @property
    def expenses_same(self) -> bool:
        return all(row.same for row in self.expense_rows)

    @property
    def all_same(self) -> bool:
        return all(row.same for row in self.rows)


def _amount(subsidy: Subsidy) -> Cell:
    if subsidy.max_amount is None:
        return Cell(NOT_STATED, subsidy.max_amount_note)
    return Cell(f"最大{formatting.format_yen(subsidy.max_amount)}", subsidy.max_amount_note)


def _deadline(subsidy: Subsidy, on: datetime.datetime) -> Cell:
    days = formatting.format_days_left(subsidy.days_left(on=on))
    note = "　".join(part for part in (days, subsidy.deadline_note) if part)
    return Cell(formatting.format_deadline(subsidy), note)


def _adoption_rate(subsidy: Subsidy) -> Cell:
    if subsidy.adoption_rate is None:
        return Cell(NOT_STATED)
    label = Subsidy.RateBasis(subsidy.adoption_rate_basis).label
    return Cell(f"{label} {subsidy.adoption_rate}%", subsidy.adoption_rate_citation)


def _preparation(subsidy: Subsidy) -> Cell:
    if subsidy.preparation_days is None:
        return Cell(NOT_STATED)
    return Cell(f"約{subsidy.preparation_days}日")


def _text(value: str) -> Cell:
    return Cell(value or NOT_STATED)


def build_table(columns: list[Column], *, on: datetime.datetime) -> Table:
    """Rows for ``columns`` (each subsidy with its organization loaded)."""
    subsidies = [column.subsidy for column in columns]
    rows = [
        Row("amount", "補助金額", [_amount(s) for s in subsidies]),
        Row("rate", "補助率", [_text(s.subsidy_rate) for s in subsidies]),
        Row("deadline", "申請締切", [_deadline(s, on) for s in subsidies]),
        Row(
            "status", "募集状況", [Cell(c.status.label, kind="status", value=c.status.value) for c in columns]
        ),
        Row("difficulty", "難易度", [_text(s.get_difficulty_display()) for s in subsidies]),
        Row("adoption", "採択率", [_adoption_rate(s) for s in subsidies]),
        Row("preparation", "準備目安", [_preparation(s) for s in subsidies]),
        Row("regions", "対象地域", [_text("、".join(r.name for r in c.terms.regions)) for c in columns]),
        Row("organization", "主催機関", [Cell(s.organization.name) for s in subsidies]),
    ]
    categories = {}
    covered = []
    for column in columns:
        covered.append({category.pk for category in column.terms.categories})
        categories.update({category.pk: category for category in column.terms.categories})
    for category in sorted(categories.values(), key=lambda c: (c.order, c.pk)):
        cells = [
            Cell("対象", kind="check", checked=True)
            if category.pk in mine
            else Cell("記載なし", kind="check", checked=False)
            for mine in covered
        ]
        rows.append(Row(f"expense-{category.slug}", category.name, cells, group="expenses"))
    return Table(columns, rows)


def status_of(subsidy: Subsidy, *, on: datetime.datetime) -> ApplicationStatus:
    annotated = getattr(subsidy, "application_status", None)
    if isinstance(annotated, str):
        return ApplicationStatus(annotated)
    return subsidy.status(at=on)
