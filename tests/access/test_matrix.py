"""The access matrix: every page of the URL resolver and every operation of the OpenAPI
document is declared here, and requested anonymously, by its owner, by a colleague (the same
role on another structure, département, network…) and by every other role.

A page or an operation missing from MATRIX, or declared but gone, fails the suite: a new
page must say who reaches it. Kinds:
- PUBLIC: anyone (anonymous included) — never sent to the login page;
- TOKEN: a signed link sent by e-mail (activation, confirmation, invitation) or a
  development page; tested with a wrong token: refused, never a server error;
- KEY: the partners' API behind an API key: a session is not enough;
- (roles, ROLE): the roles (N national, P prefecture, S structure, C candidate, A advisor,
  F financial operator, K coordinator, H hub, W network) that reach it; every other role gets
  403 or 404, the anonymous visitor the login page (401 from the API);
- (roles, SCOPED): the same, and the page names an object: the same role on the other
  side (another structure, département, advisor, network) gets 403 or 404, or 400/422 where an
  operation checks its body before its object — never a success.

STATE: pages whose world object is not in the state they act on (a contract whose end is
not requested, a link already answered): the owner may get 404 there; their rules are
tested with their state in their own app's tests.
"""

import re

import pytest
from django.urls import reverse

from cnfs.accounts.enums import Role
from tests.access.urls import (
    OBJECT_OF,
    operation_url,
    operations,
    page_url,
    pages,
)
from tests.access.world import build_world, client_of

PUBLIC, TOKEN, KEY, ROLE, SCOPED = "public", "token", "key", "role", "scoped"
LETTERS = {
    "N": Role.NATIONAL, "P": Role.PREFECTURE, "S": Role.STRUCTURE, "C": Role.CANDIDATE,
    "A": Role.ADVISOR, "F": Role.FINANCIAL, "K": Role.COORDINATOR, "H": Role.HUB,
    "W": Role.NETWORK,
}  # fmt: skip
STATE = {
    "contracts:validate_end", "contracts:refuse_end", "contracts:training",
    "coordination:answer_link",
}  # fmt: skip

# fmt: skip below: a data table laid out by hand for reading.
MATRIX = {
    "healthz": PUBLIC,
    "security_txt": PUBLIC,
    "web:home": PUBLIC,
    "web:programme": PUBLIC,
    "web:legal": PUBLIC,
    "web:privacy": PUBLIC,
    "web:accessibility": PUBLIC,
    "web:sources": PUBLIC,
    "notifications:list": ("NPSCAFKHW", ROLE),
    "notifications:mark_read": ("NPSCAFKHW", ROLE),
    "notifications:preferences": ("NPSCAFKHW", ROLE),
    "notifications:mailbox": PUBLIC,
    "notifications:mailbox_message": TOKEN,
    "accounts:login": PUBLIC,
    "accounts:second_factor": ("NPSCAFKHW", ROLE),
    "accounts:second_factor_setup": ("NPSCAFKHW", ROLE),
    "accounts:backup_codes": ("NPSCAFKHW", ROLE),
    "accounts:logout": PUBLIC,
    "accounts:proconnect_login": PUBLIC,
    "accounts:proconnect_callback": PUBLIC,
    "accounts:dashboard": ("NPSCAFKHW", ROLE),
    "accounts:switch_role": ("NPSCAFKHW", ROLE),
    "accounts:activate": TOKEN,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": TOKEN,
    "accounts:password_reset_complete": PUBLIC,
    "territories:index": PUBLIC,
    "territories:commune_suggestions": PUBLIC,
    "territories:region": PUBLIC,
    "territories:region_contact": ("N", ROLE),
    "territories:departement": PUBLIC,
    "territories:departement_contact": ("N", ROLE),
    "territories:statistics": PUBLIC,
    "publicpages:resources": PUBLIC,
    "publicpages:resource_file": PUBLIC,
    "publicpages:faq": PUBLIC,
    "opendata:index": PUBLIC,
    "opendata:lieux": PUBLIC,
    "opendata:data-inclusion-structures": PUBLIC,
    "opendata:data-inclusion-services": PUBLIC,
    "opendata:postes-par-departement": PUBLIC,
    "opendata:structures": PUBLIC,
    "public:map": PUBLIC,
    "public:data": PUBLIC,
    "public:outlines": PUBLIC,
    "public:embed": PUBLIC,
    "public:place": PUBLIC,
    "structures:list": ("NPSF", ROLE),
    "structures:apply": PUBLIC,
    "structures:apply_sent": PUBLIC,
    "structures:confirm": TOKEN,
    "structures:detail": ("NPSF", SCOPED),
    "structures:amend": ("S", SCOPED),
    "structures:team": ("S", SCOPED),
    "structures:join": TOKEN,
    "committee:sessions": ("N", ROLE),
    "committee:session": ("N", ROLE),
    "committee:build_agenda": ("N", ROLE),
    "committee:close": ("N", ROLE),
    "committee:minutes_csv": ("N", ROLE),
    "committee:minutes": ("N", ROLE),
    "committee:import": ("N", ROLE),
    "committee:decide": ("N", ROLE),
    "funding:index": ("NPSF", ROLE),
    "funding:agreement": ("NPSF", SCOPED),
    "funding:pay": ("NF", ROLE),
    "funding:counter_entry": ("NF", ROLE),
    "funding:end_post": ("NF", ROLE),
    "funding:recoveries": ("NPSF", ROLE),
    "followup:index": ("NPF", ROLE),
    "followup:opinions": ("NP", ROLE),
    "followup:give_opinion": ("P", SCOPED),
    "followup:places": ("NPF", ROLE),
    "followup:departement": ("NPF", SCOPED),
    "candidates:apply": PUBLIC,
    "candidates:apply_sent": PUBLIC,
    "candidates:confirm": TOKEN,
    "candidates:space": ("C", ROLE),
    "candidates:withdraw": ("C", ROLE),
    "candidates:delete": ("C", ROLE),
    "candidates:deleted": PUBLIC,
    "candidates:cv": PUBLIC,
    "matching:proposals": ("NS", ROLE),
    "matching:shortlist": ("S", SCOPED),
    "matching:decline": ("S", SCOPED),
    "matching:contract": ("S", SCOPED),
    "matching:search": ("NS", ROLE),
    "matching:shortlist_candidate": ("S", ROLE),
    "matching:contracts": ("NS", ROLE),
    "matching:end_contract": ("S", SCOPED),
    "matching:renew_contract": ("S", SCOPED),
    "places:list": ("NPSA", ROLE),
    "places:create": ("SA", ROLE),
    "places:hours_preview": ("SA", ROLE),
    "places:detail": ("NPSA", SCOPED),
    "places:edit": ("SA", SCOPED),
    "places:confirm": ("SA", SCOPED),
    "contracts:advisors": ("NPS", ROLE),
    "contracts:to_validate": ("N", ROLE),
    "contracts:validate": ("N", ROLE),
    "contracts:reject": ("N", ROLE),
    "contracts:end_requests": ("N", ROLE),
    "contracts:validate_end": ("N", ROLE),
    "contracts:refuse_end": ("N", ROLE),
    "contracts:training": ("N", ROLE),
    "contracts:shortage": ("NP", ROLE),
    "activity:history": ("A", ROLE),
    "activity:new": ("A", ROLE),
    "activity:import": ("A", ROLE),
    "activity:edit": ("A", SCOPED),
    "activity:duplicate": ("A", SCOPED),
    "activity:delete": ("A", SCOPED),
    "stats:index": ("NPSAF", ROLE),
    "stats:print": ("NPSAF", ROLE),
    "stats:export_csv": ("NPSAF", ROLE),
    "stats:export_xlsx": ("NPSAF", ROLE),
    "stats:inactive": ("NPS", ROLE),
    "coordination:coordinator": ("K", ROLE),
    "coordination:coordinator_csv": ("K", ROLE),
    "coordination:invite": ("K", ROLE),
    "coordination:activities": ("K", ROLE),
    "coordination:activities_csv": ("K", ROLE),
    "coordination:end_link": ("K", SCOPED),
    "coordination:structure_links": ("S", ROLE),
    "coordination:answer_link": ("S", ROLE),
    "coordination:structure_networks": ("S", ROLE),
    "coordination:hub": ("H", ROLE),
    "coordination:hub_csv": ("H", ROLE),
    "coordination:network": ("W", ROLE),
    "coordination:network_csv": ("W", ROLE),
    "coordination:confirm": ("W", SCOPED),
    "partners:docs": PUBLIC,
    "GET /api/v1/communes": PUBLIC,
    "POST /api/v1/structures/applications": PUBLIC,
    "GET /api/v1/structures": ("NPSF", ROLE),
    "GET /api/v1/structures/{structure_id}": ("NPSF", SCOPED),
    "GET /api/v1/structures/{structure_id}/decisions": ("NPSF", SCOPED),
    "GET /api/v1/committee/sessions": ("N", ROLE),
    "GET /api/v1/committee/sessions/{number}/items": ("N", ROLE),
    "POST /api/v1/committee/items/{item_id}/decision": ("N", ROLE),
    "GET /api/v1/territories/figures": ("NPF", ROLE),
    "POST /api/v1/candidates/applications": PUBLIC,
    "GET /api/v1/structures/{structure_id}/proposals": ("NS", SCOPED),
    "POST /api/v1/proposals/{proposal_id}/shortlist": ("S", SCOPED),
    "POST /api/v1/proposals/{proposal_id}/decline": ("S", SCOPED),
    "POST /api/v1/proposals/{proposal_id}/contract": ("S", SCOPED),
    "GET /api/v1/recruitments": ("N", ROLE),
    "POST /api/v1/recruitments/{contract_id}/validate": ("N", ROLE),
    "POST /api/v1/recruitments/{contract_id}/reject": ("N", ROLE),
    "POST /api/v1/activity/reports": ("A", ROLE),
    "GET /api/v1/activity/reports": ("A", ROLE),
    "POST /api/v1/activity/reports/batch": ("A", ROLE),
    "GET /api/v1/partners/places": PUBLIC,
    "GET /api/v1/partners/territories/{code}": PUBLIC,
    "GET /api/v1/partners/statistics": PUBLIC,
    "GET /api/v1/partners/structures": KEY,
    "GET /api/v1/partners/structures/{structure_id}": KEY,
}  # fmt: skip

LOGIN = reverse("accounts:login")


def _entries():
    found = {name: ("page", route) for name, route in pages()}
    found |= {key: ("api", path) for key, path in operations()}
    return found


def test_every_page_and_operation_is_in_the_matrix_and_nothing_else():
    found = set(_entries())
    assert sorted(found - set(MATRIX)) == [], "pages or operations without a declared access"
    assert sorted(set(MATRIX) - found) == [], "declared, but no longer a page or operation"


def test_every_page_naming_an_object_says_which():
    for name, (kind, route) in _entries().items():
        if kind == "page" and "<" in route and MATRIX[name] is not TOKEN:
            assert name in OBJECT_OF or MATRIX[name] is PUBLIC, name


def _request(client, kind, name, target, side, method=None):
    if kind == "page":
        url = page_url(name, target, side)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        return response
    method, path = name.split()[0].lower(), target
    return getattr(client, method)(operation_url(path, side), content_type="application/json")


def _denied(response) -> bool:
    return response.status_code in (403, 404)


def _sent_to_login(kind, response) -> bool:
    if kind == "api":
        return response.status_code == 401
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def _group(name) -> str:
    if ":" in name:
        return name.split(":")[0]
    if " /api/v1/" in name:
        return "api-" + name.split("/")[3]
    return "site"


def _groups():
    return sorted({_group(name) for name in MATRIX})


def _in_group(name, group):
    return _group(name) == group


@pytest.mark.django_db
@pytest.mark.parametrize("group", _groups())
def test_the_matrix_holds(group, jura):
    a, b = build_world()
    entries = _entries()
    problems = []
    for name, access in MATRIX.items():
        if not _in_group(name, group) or name not in entries:
            continue
        kind, target = entries[name]
        anonymous = _request(client_of(None, None), kind, name, target, a)
        if access is PUBLIC:
            if _sent_to_login(kind, anonymous) or anonymous.status_code == 403:
                problems.append(f"{name}: public, but anonymous got {anonymous.status_code}")
            continue
        if access is TOKEN:
            url = re.sub(r"<(?:\w+:)?\w+>", "x", target)
            status = client_of(None, None).get("/" + url).status_code
            if status >= 500 or status == 200 and "activer" in url:
                problems.append(f"{name}: a wrong token got {status}")
            continue
        if access is KEY:
            for role in Role:
                got = _request(client_of(a.users[role], role), kind, name, target, a)
                if got.status_code != 401:
                    problems.append(f"{name}: a session of {role} got {got.status_code}")
            continue
        allowed, scope = access
        roles = {LETTERS[letter] for letter in allowed}
        if not _sent_to_login(kind, anonymous):
            problems.append(f"{name}: anonymous got {anonymous.status_code}")
        for role in Role:
            got = _request(client_of(a.users[role], role), kind, name, target, a)
            if role in roles:
                owner_denied = got.status_code in (401, 403) or (
                    got.status_code == 404 and name not in STATE
                )
                if owner_denied or got.status_code >= 500:
                    problems.append(f"{name}: owner {role} got {got.status_code}")
            elif not _denied(got):
                problems.append(f"{name}: outsider {role} got {got.status_code}")
        if scope is SCOPED:
            for role in roles - {Role.NATIONAL, Role.FINANCIAL}:  # their scope is national
                got = _request(client_of(b.users[role], role), kind, name, target, a)
                if got.status_code not in (400, 403, 404, 422):
                    problems.append(f"{name}: colleague {role} got {got.status_code}")
    assert problems == []
