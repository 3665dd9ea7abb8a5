"""The comparison URL is the comparison's whole state: these build it."""

from urllib.parse import urlencode

from django.urls import reverse


def compare_url(ids, *, diff: bool = False, add: int | None = None) -> str:
    params = {}
    if ids:
        params["ids"] = ",".join(map(str, ids))
    if add is not None:
        params["add"] = str(add)
    if diff:
        params["diff"] = "1"
    query = urlencode(params, safe=",")
    return reverse("comparisons:compare") + (f"?{query}" if query else "")
