"""Model fields of the listings that Django does not have.

``GramsField`` holds the character n-grams of a listing's searchable text (``SearchEntry.grams``, filled in by
``search.py``). It is a leaf module, importing nothing of the app, so that ``models`` can use it while ``search``
imports ``models``.
"""

import json

from django.db import models


class GramsField(models.Field):
    """A list of strings: ``text[]`` on PostgreSQL (GIN-indexed), newline-joined text elsewhere."""

    description = "character n-grams"

    def db_type(self, connection):
        return "text[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if connection.vendor == "postgresql":
            return list(value)
        return "\n".join(value)

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return value.split("\n") if value else []

    def to_python(self, value):
        if isinstance(value, str):
            # dumpdata writes the list as JSON (value_to_string); the database's SQLite form is newline-joined.
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return parsed
            return value.split("\n") if value else []
        return value

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


@GramsField.register_lookup
class ContainsAll(models.Lookup):
    """``grams__contains_all=[...]``: the row has every gram (``@>`` on PostgreSQL, served by the GIN index)."""

    lookup_name = "contains_all"

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [self.lhs.output_field.get_db_prep_value(value, connection)])

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @> {rhs}::text[]", (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):  # pragma: no cover - SQLite never asks the grams
        raise NotImplementedError("grams are searched on PostgreSQL only")
