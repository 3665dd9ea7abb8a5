"""Exact Japanese keyword search.

Text and query are normalised alike (NFKC, case-fold; so ＤＸ = DX, ｿﾌﾄｳｪｱ = ソフトウェア and a full-width space is
a space). Spaces in the query mean AND. A listing matches when its searchable text contains every term as a
substring: no stemming, no false hits, ``%`` and ``_`` are ordinary characters.

Each listing has one ``SearchEntry`` row: the normalised text and the set of its character unigrams,
bigrams and trigrams (no gram contains whitespace, and no term does). On PostgreSQL the grams are a ``text[]``
column with a GIN index, so a term of one to three characters is answered by the index alone, exactly; a
longer term is narrowed by the index to listings that have all its trigrams and then rechecked with ``LIKE`` on
the normalised text. Trigrams, not only bigrams: a common three-character term (海外展, in 94,662 of 200,000
listings) was narrowed by its bigrams to nearly every listing and rechecked over ~1 GB of text (4.5–12 s).
The recheck's cost is decompressing each candidate's text, so the text is stored LZ4-compressed, ~3× faster to
read than PostgreSQL's default pglz (migration 0015).
SQLite (development, small data) uses ``LIKE`` on the normalised text for every term; both
return the same listings.
"""

import json
import unicodedata
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, Value, When

from subsidies import versioning
from subsidies.models import SearchEntry, Subsidy

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8


def normalize(text: str) -> str:
    """NFKC, case-folded, NUL removed: the one form in which text and queries are compared."""
    text = unicodedata.normalize("NFKC", text.replace("\x00", ""))
    return unicodedata.normalize("NFKC", text.casefold())


def split_terms(query: str) -> list[str]:
    """The distinct terms of a query, in order (spaces of any width separate terms)."""
    terms = []
    for term in normalize(query).split():
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


GRAM = 3  # the longest gram: terms up to this length are answered by the index alone


def grams(normalized: str) -> list[str]:
    """Every run of one to ``GRAM`` adjacent characters of ``normalized`` without whitespace, sorted."""
    found = set()
    for run in normalized.split():
        for size in range(1, GRAM + 1):
            found.update(run[i : i + size] for i in range(len(run) - size + 1))
    return sorted(found)


def pg_array_literal(values: list[str]) -> str:
    """A PostgreSQL array literal of strings (for COPY): JSON quoting is array quoting for printable text."""
    if any(ord(c) < 0x20 for v in values for c in v):
        escaped = (v.replace("\\", "\\\\").replace('"', '\\"') for v in values)
        return "{" + ",".join(f'"{v}"' for v in escaped) + "}"
    return "{" + json.dumps(values, ensure_ascii=False, separators=(",", ":"))[1:-1] + "}"


def term_grams(term: str) -> list[str]:
    """The grams an indexed text must have to contain ``term``: the term itself when it has 1–3 characters,
    else its trigrams."""
    if len(term) <= GRAM:
        return [term]
    return sorted({term[i : i + GRAM] for i in range(len(term) - GRAM + 1)})


def keyword_q(terms: list[str], *, prefix: str = "search_entry__") -> Q:
    """The condition 'the listing's text contains every term', for a queryset of Subsidy."""
    condition = Q()
    if not terms:
        return condition
    if connection.vendor == "postgresql":
        required = sorted({g for term in terms for g in term_grams(term)})
        condition &= Q(**{f"{prefix}grams__contains_all": required})
        for term in terms:
            if len(term) > GRAM:
                condition &= Q(**{f"{prefix}text__contains": term})
    else:
        for term in terms:
            condition &= Q(**{f"{prefix}text__contains": term})
    return condition


def title_rank(terms: list[str], *, prefix: str = "search_entry__"):
    """1 when every term is in the title, else 0: title matches rank above body-only matches."""
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{prefix}title__contains": term})
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


@contextmanager
def planner_settings(terms: list[str]):
    """Run a listing's queries with planner settings that suit them (PostgreSQL; one statement, always).

    PostgreSQL cannot see that testing ``grams @>`` row by row means de-TOASTing a ~25 kB array per row, so
    for a common term it picks a sequential or primary-key scan with the test as a filter (1 s at 2,000
    listings) instead of the GIN bitmap, which needs no recheck for ``@>``. With a keyword, sequential and
    plain index scans are switched off for this transaction only, leaving bitmap scans (GIN for the grams).
    JIT is off either way: compiling the facet aggregates costs more than it saves at this size.
    Queries must be evaluated inside the block.
    """
    if connection.vendor != "postgresql":
        yield
        return
    statements = ["SET LOCAL jit = off"]
    if terms:
        statements += ["SET LOCAL enable_seqscan = off", "SET LOCAL enable_indexscan = off"]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("; ".join(statements))
        yield


def match_rows(terms: list[str]):
    """(ids, title_ids): every listing whose text contains every term, and those whose title does too.

    One query. Drafts are included; the listing index drops what it does not list. On PostgreSQL the ids come
    back as two comma-joined strings (a common term matches most of the catalog: 200,000 rows as Python tuples
    cost 0.4 s, the strings 15 ms).
    """
    import numpy as np

    rows = (
        SearchEntry.objects.filter(keyword_q(terms, prefix=""))
        .annotate(in_title=title_rank(terms, prefix=""))
        .order_by()
        .values_list("subsidy_id", "in_title")
    )
    with planner_settings(terms):
        if connection.vendor == "postgresql":
            sql, params = rows.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT string_agg(m.id::text, ','), string_agg(CASE WHEN m.t = 1 THEN m.id::text END, ',')"
                    f" FROM ({sql}) AS m(id, t)",
                    params,
                )
                ids, title_ids = cursor.fetchone()
            return tuple(np.fromstring(found or "", dtype=np.int64, sep=",") for found in (ids, title_ids))
        found = np.array(list(rows), dtype=np.int64).reshape(-1, 2)
    return found[:, 0], found[found[:, 1] == 1, 0]


TAXONOMY_LINKS = ("regions", "purposes", "industries")


def document_parts(subsidy) -> list[str]:
    """The searchable text of a listing (children and organisation must be prefetched/selected)."""
    parts = [
        subsidy.title,
        subsidy.summary,
        subsidy.body,
        subsidy.organization.name,
        subsidy.target_description,
    ]
    parts += [expense.label for expense in subsidy.expenses.all()]
    parts += [f"{doc.name}\n{doc.detail}" for doc in subsidy.documents.all()]
    parts += [f"{faq.question}\n{faq.answer}" for faq in subsidy.faqs.all()]
    # The names of its regions, purposes and industries: 「東京 設備」 finds 東京都's equipment subsidies even
    # when the article never writes 東京.
    parts += [term.name for name in TAXONOMY_LINKS for term in getattr(subsidy, name).all()]
    return parts


def entry_fields(subsidy) -> dict:
    text = normalize("\n".join(document_parts(subsidy)))
    return {"title": normalize(subsidy.title), "text": text, "grams": grams(text)}


def reindex(subsidy_ids) -> int:
    """Rebuild the search entries of the given listings in a fixed number of queries; returns how many."""
    ids = list(subsidy_ids)
    listings = (
        Subsidy.objects.filter(pk__in=ids)
        .select_related("organization")
        .prefetch_related("expenses", "documents", "faqs", *TAXONOMY_LINKS)
    )
    entries = [SearchEntry(subsidy_id=s.pk, **entry_fields(s)) for s in listings]
    SearchEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["subsidy"],
        update_fields=["title", "text", "grams"],
    )
    return len(entries)


def reindex_all(batch_size: int = 500) -> int:
    SearchEntry.objects.exclude(subsidy__in=Subsidy.objects.all()).delete()
    versioning.bump()  # keyword results cached under the old content version may differ from the new entries
    ids = list(Subsidy.objects.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        done += reindex(ids[start : start + batch_size])
    return done
