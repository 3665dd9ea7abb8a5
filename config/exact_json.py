"""A ``dumpdata``/``loaddata`` format that round-trips every value: ``--format exact-json``.

Django's own JSON format rounds datetimes to milliseconds (``DjangoJSONEncoder``) and its XML format strips
leading and trailing whitespace from text, so neither gives back exactly what was dumped. This is Django's
JSON format with full-precision times. Files use the ``.exact-json`` extension.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()


Deserializer = django_json.Deserializer
