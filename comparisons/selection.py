"""Reading the user's pick of listings from ``/compare/?ids=1,2&add=3`` — forgiving, and saying what it ignored."""

import dataclasses

from subsidies.models import Subsidy

MAX_COLUMNS = 4
# More tokens than this are not even looked at (a shared URL is never this long on purpose).
MAX_TOKENS = 20


@dataclasses.dataclass
class Selection:
    subsidies: list[Subsidy]
    ignored: list[str]

    @property
    def ids(self) -> list[int]:
        return [subsidy.pk for subsidy in self.subsidies]


def parse_ids(values: list[str]) -> tuple[list[int], list[str]]:
    """Unique numeric ids in order, and messages about the tokens left out."""
    tokens = [token.strip() for value in values for token in value.split(",") if token.strip()]
    ignored = []
    if len(tokens) > MAX_TOKENS:
        ignored.append(f"指定が多すぎるため、{MAX_TOKENS + 1}個目以降は読みませんでした。")
        tokens = tokens[:MAX_TOKENS]
    ids: list[int] = []
    for token in tokens:
        if not (token.isascii() and token.isdigit() and len(token) <= 18):
            ignored.append(f"「{token[:30]}」は補助金の番号ではないため無視しました。")
        elif int(token) in ids:
            ignored.append(f"{int(token)} が重複していたため、1つにまとめました。")
        else:
            ids.append(int(token))
    return ids, ignored


def select(values: list[str], queryset) -> Selection:
    """The listed subsidies named by ``values`` (GET values of ``ids`` then ``add``), at most four. A まとめ記事
    has no single amount or deadline to compare, so it is left out with a note."""
    ids, ignored = parse_ids(values)
    found = {subsidy.pk: subsidy for subsidy in queryset.published().filter(pk__in=ids)} if ids else {}
    roundups = [pk for pk in ids if pk in found and found[pk].is_roundup]
    if roundups:
        numbers = "、".join(map(str, roundups))
        ignored.append(f"{numbers} は複数の制度のまとめ記事のため、比較には入れられません。")
    missing = [pk for pk in ids if pk not in found]
    if missing:
        numbers = "、".join(map(str, missing))
        ignored.append(f"{numbers} の補助金は見つからないか公開されていないため、表示していません。")
    found = {pk: subsidy for pk, subsidy in found.items() if not subsidy.is_roundup}
    picked = [found[pk] for pk in ids if pk in found]
    if len(picked) > MAX_COLUMNS:
        extra = "、".join(str(subsidy.pk) for subsidy in picked[MAX_COLUMNS:])
        ignored.append(f"比較できるのは{MAX_COLUMNS}件までです。{extra} は表示していません。")
        picked = picked[:MAX_COLUMNS]
    return Selection(picked, ignored)
