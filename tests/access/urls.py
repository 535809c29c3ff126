"""Every page of the URL resolver and every operation of the OpenAPI document, with the
arguments that name side A's objects."""

import re

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cnfs.api.urls import api

# What an argument of a page or an operation names, per page (or per argument name).
# fmt: skip below: a data table laid out by hand for reading.
OBJECT_OF = {
    "structures:detail": "structure", "structures:amend": "structure",
    "structures:team": "structure",
    "committee:session": "session", "committee:build_agenda": "session",
    "committee:close": "session", "committee:minutes_csv": "session",
    "committee:minutes": "session", "committee:import": "session", "committee:decide": "item",
    "funding:agreement": "agreement", "funding:pay": "instalment",
    "funding:counter_entry": "payment", "funding:end_post": "post_funding",
    "followup:give_opinion": "request", "followup:departement": "departement",
    "candidates:cv": "candidate",
    "matching:shortlist": "proposal", "matching:decline": "proposal",
    "matching:contract": "proposal", "matching:shortlist_candidate": "candidate",
    "matching:end_contract": "contract", "matching:renew_contract": "contract",
    "places:detail": "place", "places:edit": "place", "places:confirm": "place",
    "public:place": "place",
    "contracts:validate": "requested", "contracts:reject": "requested",
    "contracts:validate_end": "contract", "contracts:refuse_end": "contract",
    "contracts:training": "contract",
    "activity:edit": "report", "activity:duplicate": "report", "activity:delete": "report",
    "coordination:end_link": "link", "coordination:answer_link": "link",
    "coordination:confirm": "membership",
    "publicpages:resource_file": "resource",
    "territories:region": "region", "territories:region_contact": "region",
    "territories:departement": "departement", "territories:departement_contact": "departement",
}  # fmt: skip
API_OBJECT_OF = {
    "structure_id": "structure", "number": "session", "item_id": "item",
    "proposal_id": "proposal", "contract_id": "requested", "code": "departement",
}  # fmt: skip

# Outside the matrix, and why.
NOT_IN_MATRIX = {
    "gestion/": "Django's administration: its own door (tests/accounts/test_login.py) and "
    "has_permission (national team only), tested in tests/accounts/test_roles.py",
    "api/v1/": "the API's operations are taken from the OpenAPI document below",
    "dev-idp/": "the local OpenID provider (development and tests only): tests/accounts/"
    "test_proconnect.py",
}


def pages() -> list[tuple[str, str]]:
    """(name, route) of every page of the resolver, outside NOT_IN_MATRIX."""
    found = []

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if any(route.startswith(skip) for skip in NOT_IN_MATRIX):
                continue
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                walk(entry, route, f"{namespace}:{ns}" if namespace and ns else ns or namespace)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                found.append((name, route))

    walk(get_resolver(), "", None)
    return found


def operations() -> list[tuple[str, str]]:
    """("METHOD /path", path) of every operation of the OpenAPI document."""
    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method in methods:
            found.append((f"{method.upper()} {path}", path))
    return found


def value_of(kind: str, side):
    obj = side.objects[kind] if kind != "region" else side.objects["departement"].region
    if kind == "session":
        return obj.number
    if kind in ("departement", "region"):
        return obj.code
    return obj.pk


def page_url(name: str, route: str, side) -> str:
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if not params:
        return reverse(name)
    kind = OBJECT_OF.get(name)
    if kind is None:
        return None  # a token or a name: the matrix gives it
    return reverse(name, kwargs={params[0]: value_of(kind, side)})


def operation_url(path: str, side) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(value_of(API_OBJECT_OF[m[1]], side)), path)
