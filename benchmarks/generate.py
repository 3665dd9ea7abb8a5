"""Synthetic Japanese listings in bulk: COPY on PostgreSQL (two worker processes), executemany elsewhere.

Each chunk is generated and written by one process in one transaction, search entries included; the GIN
index over the grams is dropped before the load and built once after it.
"""

import datetime
import multiprocessing
import random
import time

from django.db import connection, connections, transaction
from django.utils import timezone

from benchmarks import vocabulary
from subsidies import search, versioning
from subsidies.models import (
    FAQ,
    ApplicationStep,
    Eligibility,
    EligibilityRequirement,
    Industry,
    Organization,
    Purpose,
    Region,
    RequiredDocument,
    SearchEntry,
    Subsidy,
    SubsidyExpense,
    TargetType,
)

CHUNK = 2000
GIN_INDEX = "subsidy_search_grams_gin"


def _columns(model, skip_pk=True):
    fields = [f for f in model._meta.concrete_fields if not (skip_pk and f.primary_key and f.name == "id")]
    return fields


def _write(cursor, model, rows: list[dict], *, skip_pk=True):
    """Insert ``rows`` (dicts by attname; missing fields take their default) into ``model``'s table."""
    if not rows:
        return
    fields = _columns(model, skip_pk)
    defaults = {
        f.attname: (f.get_default() if f.has_default() else ("" if not f.null else None)) for f in fields
    }
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor == "postgresql":
        # psycopg adapts Python values itself (grams arrive as a ready array literal).
        values = [[row.get(f.attname, defaults[f.attname]) for f in fields] for row in rows]
    else:
        values = [
            [f.get_db_prep_value(row.get(f.attname, defaults[f.attname]), connection) for f in fields]
            for row in rows
        ]
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for value in values:
                copy.write_row(value)
    else:
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)


def _through(cursor, field, pairs):
    through = field.remote_field.through
    src = field.m2m_column_name()
    dst = field.m2m_reverse_name()
    table = through._meta.db_table
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({src}, {dst}) FROM STDIN") as copy:
            for pair in pairs:
                copy.write_row(pair)
    else:
        cursor.executemany(f"INSERT INTO {table} ({src}, {dst}) VALUES (%s, %s)", pairs)


class Maker:
    def __init__(self, context, seed):
        self.rng = random.Random(seed)
        self.c = context
        self.vocab = context["vocab"]

    def article(self, topic, place, length=3000):
        """The article as a list of pieces (sentences and headings) whose concatenation is the body."""
        rng, pieces, size = self.rng, [], 0
        sentences = self.vocab["sentences"]
        while size < length:
            heading = f"## {rng.choice(vocabulary.HEADINGS)}\n\n"
            pieces.append(heading)
            for _ in range(rng.randint(3, 6)):
                pieces.append(rng.choice(sentences))
                size += len(pieces[-1])
            if rng.random() < 0.5:
                pieces.append(f"{place}の事業者が{topic}に取り組む際の経費の一部を補助します。")
            pieces.append("\n\n")
            size += len(heading)
        return pieces

    def listing(self, pk, now):
        rng, c = self.rng, self.c
        kind = rng.random()
        if kind < 0.15:
            region = c["national"]
        elif kind < 0.25:
            region = rng.choice(c["blocks"])
        else:
            region = rng.choice(c["prefectures"])
        place = region.name if region.kind != Region.Kind.NATIONAL else "全国"
        topic = rng.choice(vocabulary.RARE_TOPICS) if rng.random() < 0.002 else rng.choice(vocabulary.TOPICS)
        organization = (
            rng.choice(c["national_orgs"])
            if region.kind != Region.Kind.PREFECTURE
            else rng.choice(c["orgs"][region.pk])
        )
        year = rng.choice(["令和7年度", "令和8年度", "2026年度"])
        title = f"{year} {place}{topic}{rng.choice(vocabulary.SUFFIXES)}"
        summary = f"{place}で{topic}に取り組む事業者を支援します。" + "".join(
            rng.choice(self.vocab["sentences"]) for _ in range(2)
        )
        body = self.article(topic, place, rng.randint(2500, 3500))
        deadline = now + datetime.timedelta(days=rng.uniform(-400, 400))
        rolling = rng.random() < 0.05
        accepts_from = deadline - datetime.timedelta(days=rng.uniform(20, 120))
        if rolling:
            deadline, accepts_from = None, (now - datetime.timedelta(days=rng.uniform(0, 300)))
        published_at = now - datetime.timedelta(days=rng.uniform(0, 700))
        amount = rng.choice(
            [None, 500_000, 1_000_000, 3_000_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000, 100_000_000]
        )
        row = {
            "id": pk,
            "title": title[:200],
            "summary": summary,
            "body": "".join(body),
            "organization_id": organization,
            "target_description": rng.choice(self.vocab["targets"]),
            "max_amount": amount,
            "subsidy_rate": rng.choice(["1/2以内", "2/3以内", "3/4以内", ""]),
            "difficulty": rng.choice(["easy", "normal", "hard", ""]),
            "accepts_from": accepts_from,
            "deadline": deadline,
            "rolling": rolling,
            "deadline_note": "予算に達し次第終了" if rolling else "",
            "state": "published" if rng.random() < 0.97 else "draft",
            "published_at": published_at,
            "view_count": int(rng.paretovariate(1.2) * 10),
            "created_at": published_at,
            "updated_at": published_at,
        }
        m2m = {
            "regions": [region.pk],
            "purposes": rng.sample(c["purposes"], rng.randint(1, 3)),
            "industries": rng.sample(c["industries"], rng.randint(0, 2)),
            "target_types": rng.sample(c["targets"], rng.randint(1, 2)),
        }
        children = {
            SubsidyExpense: [
                {"subsidy_id": pk, "label": e, "order": i}
                for i, e in enumerate(rng.sample(vocabulary.EXPENSES, 4))
            ],
            RequiredDocument: [
                {"subsidy_id": pk, "name": d, "order": i}
                for i, d in enumerate(rng.sample(vocabulary.DOCUMENTS, 3))
            ],
            FAQ: [
                {"subsidy_id": pk, "question": q, "answer": a, "order": i}
                for i, (q, a) in enumerate(rng.sample(self.vocab["faqs"], min(2, len(self.vocab["faqs"]))))
            ],
            ApplicationStep: [
                {"subsidy_id": pk, "title": t, "order": i}
                for i, t in enumerate(["事前準備", "申請", "交付決定", "実績報告"])
            ],
            EligibilityRequirement: [
                {"subsidy_id": pk, "text": t, "order": i, "group": "eligibility", "required": True}
                for i, t in enumerate(["中小企業であること", "県内に事業所があること"])
            ],
        }
        row["_body_pieces"] = body
        # In the order ``search.document_parts`` appends them: regions, purposes, industries.
        row["_taxonomy_names"] = [
            region.name,
            *(c["purpose_names"][i] for i in m2m["purposes"]),
            *(c["industry_names"][i] for i in m2m["industries"]),
        ]
        return row, m2m, children


_piece_cache: dict[str, tuple[str]] = {}


def _piece(text: str) -> tuple[str]:
    """A piece's normalised form, cached: articles reuse a few thousand sentences."""
    cached = _piece_cache.get(text)
    if cached is None:
        cached = _piece_cache[text] = (search.normalize(text),)
    return cached


def _entry(row, org_names, children):
    """The same entry ``search.entry_fields`` would build, assembled from cached pieces (much faster)."""
    pieces = [row["title"], "\n", row["summary"], "\n", *row.pop("_body_pieces"), "\n"]
    pieces += [org_names[row["organization_id"]], "\n", row["target_description"]]
    pieces += [x for e in children[SubsidyExpense] for x in ("\n", e["label"])]
    pieces += [x for d in children[RequiredDocument] for x in ("\n", d["name"], "\n", d.get("detail", ""))]
    pieces += [x for f in children[FAQ] for x in ("\n", f["question"], "\n", f["answer"])]
    pieces += [x for name in row.pop("_taxonomy_names") for x in ("\n", name)]
    text = "".join(_piece(p)[0] for p in pieces if p)
    grams = search.grams(text)
    if connection.vendor == "postgresql":
        grams = search.pg_array_literal(grams)
    return {"subsidy_id": row["id"], "title": search.normalize(row["title"]), "text": text, "grams": grams}


def write_chunk(context, first_pk, count, seed):
    started = time.monotonic()
    maker = Maker(context, seed)
    now = context["now"]
    rows, entries, links, kids = (
        [],
        [],
        {k: [] for k in ("regions", "purposes", "industries", "target_types")},
        {},
    )
    for pk in range(first_pk, first_pk + count):
        row, m2m, children = maker.listing(pk, now)
        rows.append(row)
        entries.append(_entry(row, context["org_names"], children))
        for name, ids in m2m.items():
            links[name] += [(pk, i) for i in ids]
        for model, items in children.items():
            kids.setdefault(model, []).extend(items)
    made = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        _write(cursor, Subsidy, rows, skip_pk=False)
        for name, pairs in links.items():
            _through(cursor, Subsidy._meta.get_field(name), pairs)
        for model, items in kids.items():
            _write(cursor, model, items)
        _write(cursor, SearchEntry, entries, skip_pk=False)
    context["timings"] = (made - started, time.monotonic() - made)
    return count


def _worker(args):
    connections.close_all()
    return write_chunk(*args)


def prepare_context():
    from django.core.management import call_command

    if not Region.objects.exists():
        call_command("loaddata", "taxonomies", verbosity=0)
    regions = list(Region.objects.all())
    national = next(r for r in regions if r.code == Region.NATIONAL_CODE)
    prefectures = [r for r in regions if r.kind == Region.Kind.PREFECTURE]
    orgs = {}
    for ministry in vocabulary.MINISTRIES:
        Organization.objects.get_or_create(name=ministry, defaults={"kind": Organization.Kind.NATIONAL})
    for pref in prefectures:
        names = [
            (f"{pref.name}{dept}", Organization.Kind.PREFECTURE)
            for dept in ("産業振興課", "商工労働部", "環境政策課")
        ]
        names.append((f"公益財団法人{pref.name}産業振興機構", Organization.Kind.AGENCY))
        stem = pref.name.rstrip("都道府県")
        names += [
            (f"{stem}第{i}{suffix}商工観光課", Organization.Kind.MUNICIPALITY)
            for i, suffix in enumerate(vocabulary.CITY_SUFFIXES, 1)
        ]
        orgs[pref.pk] = [
            Organization.objects.get_or_create(name=n, defaults={"kind": k})[0].pk for n, k in names
        ]
    return {
        "vocab": vocabulary.load(),
        "national": national,
        "blocks": [r for r in regions if r.kind == Region.Kind.BLOCK],
        "prefectures": prefectures,
        "orgs": orgs,
        "national_orgs": list(
            Organization.objects.filter(kind=Organization.Kind.NATIONAL).values_list("pk", flat=True)
        ),
        "org_names": dict(Organization.objects.values_list("pk", "name")),
        "purposes": list(Purpose.objects.values_list("pk", flat=True)),
        "industries": list(Industry.objects.values_list("pk", flat=True)),
        "purpose_names": dict(Purpose.objects.values_list("pk", "name")),
        "industry_names": dict(Industry.objects.values_list("pk", "name")),
        "targets": list(TargetType.objects.values_list("pk", flat=True)),
        "now": timezone.now(),
    }


def generate(count: int, *, workers: int = 2, log=print) -> int:
    context = prepare_context()
    first = (Subsidy.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    jobs = [
        (context, start, min(CHUNK, first + count - start), start)
        for start in range(first, first + count, CHUNK)
    ]
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
    done = 0
    if postgres and workers > 1:
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for n in pool.imap_unordered(_worker, jobs):
                done += n
                log(f"  {done:,} / {count:,}")
    else:
        for job in jobs:
            done += write_chunk(*job)
            log(f"  {done:,} / {count:,}")
    if postgres:
        with connection.cursor() as cursor:
            log("  building the GIN index over the grams ...")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(f"CREATE INDEX {GIN_INDEX} ON {SearchEntry._meta.db_table} USING gin (grams)")
            for model in (
                Subsidy,
                SubsidyExpense,
                RequiredDocument,
                FAQ,
                ApplicationStep,
                EligibilityRequirement,
            ):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
            cursor.execute("ANALYZE")
    add_eligibility(log=log)
    versioning.bump()  # app servers rebuild their listing index on their next request
    return done


def _conditions(rng: random.Random, pk: int) -> Eligibility | None:
    """Eligibility conditions shaped like the demo listings' (fixtures/eligibility.json): most listings are
    for 中小企業者「等」, some for 小規模事業者, non-profits or founders; some have none registered."""
    draw = rng.random()
    if draw < 0.25:
        return None
    row = Eligibility(subsidy_id=pk, basis="ベンチマーク用の架空の条件")
    undetermined = []
    if draw < 0.65:
        row.company_size = Eligibility.CompanySizeRule.SME
        if rng.random() < 0.6:
            undetermined.append("legal_form")
    elif draw < 0.75:
        row.company_size = Eligibility.CompanySizeRule.SMALL
    elif draw < 0.85:
        row.legal_forms = rng.choice(
            [
                ["npo", "general-incorporated", "public-interest"],
                ["neighborhood", "voluntary"],
                ["individual"],
            ]
        )
    if rng.random() < 0.12:
        row.max_employees = rng.choice([5, 20, 50, 100, 300])
    if rng.random() < 0.05:
        row.max_capital = rng.choice([50_000_000, 100_000_000, 300_000_000])
    if rng.random() < 0.05:
        row.min_years = rng.choice([1, 2, 3])
    elif rng.random() < 0.03:
        row.max_years = 5
    if rng.random() < 0.03:
        row.excluded_industries = ["J", "K"]
    if rng.random() < 0.2:
        undetermined.append("other")
    row.undetermined = undetermined
    return row


def add_eligibility(*, seed: int = 20, log=print) -> int:
    """Eligibility rows for the published listings that have none (in batches; run again after a load)."""
    rng = random.Random(seed)
    missing = Subsidy.objects.filter(eligibility__isnull=True).order_by("pk").values_list("pk", flat=True)
    batch, done = [], 0
    for pk in missing.iterator(chunk_size=10_000):
        row = _conditions(rng, pk)
        if row is not None:
            batch.append(row)
        if len(batch) >= 5_000:
            done += len(Eligibility.objects.bulk_create(batch))
            batch = []
    done += len(Eligibility.objects.bulk_create(batch))
    log(f"  eligibility conditions: {done:,} listings")
    versioning.bump()
    return done
