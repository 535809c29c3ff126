from datetime import date

import pytest

from cnfs.accounts.enums import Role
from cnfs.partners import auth, services
from cnfs.partners.enums import Scope
from cnfs.places.enums import Access, Service
from cnfs.places.models import Place, PlaceAdvisor
from tests import factories
from tests.stats.conftest import add_report, advisor_user

PLACES = "/api/v1/partners/places"
STRUCTURES = "/api/v1/partners/structures"


def get(client, url, key=None, **params):
    headers = {"X-Api-Key": key} if key else {}
    return client.get(url, params, headers=headers)


@pytest.fixture
def dole(jura):
    return factories.CommuneFactory(
        insee="39198",
        name="Dole",
        postal_codes="39100",
        departement=jura,
        latitude=47.09,
        longitude=5.49,
    )


@pytest.fixture
def besancon(doubs):
    return factories.CommuneFactory(
        insee="25056",
        name="Besançon",
        postal_codes="25000",
        departement=doubs,
        latitude=47.24,
        longitude=6.02,
    )


def make_place(commune, *, advisors=1, shown=False, **fields):
    values = {
        "name": f"Médiathèque de {commune.name}",
        "address": "1 place de la Mairie",
        "commune": commune,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        "access": Access.WALK_IN,
        "opening_hours": "Mo-Fr 09:00-12:00",
    } | fields
    place = Place.objects.create(**values)
    for n in range(advisors):
        user = factories.UserFactory(
            roles=[(Role.ADVISOR, {})], first_name="Alix", last_name=f"Martin {n}"
        )
        PlaceAdvisor.objects.create(place=place, advisor=user, shown_publicly=shown)
    return place


# Keys ----------------------------------------------------------------------------------


def test_an_unknown_key_is_refused_in_french(client, db):
    response = get(client, PLACES, "pas-une-vraie-cle-0123456789")
    assert response.status_code == 401
    assert response.json()["detail"] == services.UNKNOWN_KEY


def test_a_revoked_key_is_refused(client, make_key, national):
    key, clear_key = make_key(Scope.PLACES)
    assert get(client, PLACES, clear_key).status_code == 200
    services.revoke_key(key, by=national)
    response = get(client, PLACES, clear_key)
    assert response.status_code == 401
    assert response.json()["detail"] == services.REVOKED_KEY


def test_a_key_without_the_scope_is_forbidden(client, make_key, jura):
    _, clear_key = make_key(Scope.PLACES)
    response = get(client, "/api/v1/partners/territories/39", clear_key)
    assert response.status_code == 403
    assert "territories:read" in response.json()["detail"]
    assert get(client, STRUCTURES, clear_key).status_code == 403


def test_anonymous_callers_read_public_data_but_not_the_structures(client, dole):
    make_place(dole)
    response = get(client, PLACES)
    assert response.status_code == 200 and response.json()["count"] == 1
    assert get(client, "/api/v1/partners/territories/39").status_code == 200
    assert get(client, "/api/v1/partners/statistics").status_code == 200
    response = get(client, STRUCTURES)
    assert response.status_code == 401
    assert response.json()["detail"] == auth.KEY_REQUIRED


def test_each_use_of_a_key_is_recorded(client, make_key):
    key, clear_key = make_key(Scope.PLACES)
    assert key.last_used_at is None
    get(client, PLACES, clear_key)
    get(client, PLACES, clear_key)
    key.refresh_from_db()
    assert key.last_used_at is not None and key.requests == 2


# Rate limits ---------------------------------------------------------------------------


def test_anonymous_callers_are_limited_per_address(client, settings, db):
    settings.PARTNERS_API_RATE_LIMITS = {"key": (5, 60), "anonymous": (2, 60)}
    assert [get(client, PLACES).status_code for _ in range(2)] == [200, 200]
    response = get(client, PLACES)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Trop de requêtes : la limite de 2 requêtes")
    other_address = client.get(PLACES, REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 200


def test_a_key_has_its_own_higher_limit(client, settings, make_key):
    settings.PARTNERS_API_RATE_LIMITS = {"key": (3, 60), "anonymous": (1, 60)}
    _, clear_key = make_key(Scope.PLACES)
    _, other_key = make_key(Scope.PLACES, name="Autre")
    assert get(client, PLACES).status_code == 200
    assert get(client, PLACES).status_code == 429
    assert [get(client, PLACES, clear_key).status_code for _ in range(4)] == [200] * 3 + [429]
    assert get(client, PLACES, other_key).status_code == 200


# Places --------------------------------------------------------------------------------


def test_places_are_filtered_by_bounding_box_departement_and_service(client, dole, besancon):
    in_dole = make_place(dole, services=[Service.ONLINE_PROCEDURES, Service.SECURITY])
    make_place(besancon, services=[Service.SECURITY])
    make_place(dole, name="Sans conseiller", advisors=0)
    make_place(dole, name="Masqué", visible_on_map=False)

    def names(**params):
        response = get(client, PLACES, **params)
        assert response.status_code == 200, response.content
        return [place["name"] for place in response.json()["items"]]

    assert names() == ["Médiathèque de Besançon", "Médiathèque de Dole"]
    assert names(bbox="5.3,46.9,5.7,47.2") == [in_dole.name]
    assert names(departement="25") == ["Médiathèque de Besançon"]
    assert names(services=[Service.SECURITY, Service.ONLINE_PROCEDURES]) == [in_dole.name]


def test_a_bad_bounding_box_or_service_is_explained(client, db):
    response = get(client, PLACES, bbox="5.7,47.2")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "bbox"]
    assert "longitude min" in response.json()["detail"][0]["msg"]
    response = get(client, PLACES, services="Réparer des vélos")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("Choisissez une valeur parmi")


def test_a_place_shows_only_the_names_advisors_agreed_to_show(client, dole):
    place = make_place(dole, advisors=2)
    first = PlaceAdvisor.objects.filter(place=place).order_by("pk")[0]
    PlaceAdvisor.objects.filter(pk=first.pk).update(shown_publicly=True)
    item = get(client, PLACES).json()["items"][0]
    assert item["advisors_count"] == 2
    assert item["advisors"] == ["Alix Martin 0"]
    assert item["postal_code"] == "39100" and item["departement"] == "39"
    assert item["opening_hours_text"]
    assert "email" not in str(item["advisors"])


def test_the_places_list_runs_a_constant_number_of_queries(
    client, make_key, dole, besancon, django_assert_num_queries
):
    _, clear_key = make_key(Scope.PLACES)
    host = factories.StructureFactory(name="ECLA", commune=dole)
    make_place(dole, shown=True, structure=host)
    # key lookup, key use, rate counter (the window's first call: also the expired
    # counters deleted and the counter inserted), count, page, public advisors
    with django_assert_num_queries(8):
        assert get(client, PLACES, clear_key).status_code == 200
    for n in range(12):
        host = factories.StructureFactory(commune=dole if n % 2 else besancon)
        make_place(host.commune, advisors=3, shown=True, name=f"Lieu {n}", structure=host)
    with django_assert_num_queries(6):
        response = get(client, PLACES, clear_key, bbox="-5,41,10,51")
    assert response.json()["count"] == 13
    get(client, PLACES)
    with django_assert_num_queries(4):
        assert get(client, PLACES).status_code == 200


# Territories and statistics ------------------------------------------------------------


def test_the_figures_of_a_departement(client, jura, doubs, django_assert_max_num_queries):
    from tests.places.conftest import make_advisor

    ecla = factories.StructureFactory(
        name="ECLA", validated=True, granted_posts=3, commune__departement=jura
    )
    dole = factories.StructureFactory(
        name="CC du Grand Dole", validated=True, granted_posts=2, commune__departement=jura
    )
    factories.StructureFactory(name="En attente", commune__departement=jura)
    factories.StructureFactory(validated=True, granted_posts=4, commune__departement=doubs)
    make_advisor(ecla)
    make_advisor(ecla)
    make_advisor(dole)
    get(client, "/api/v1/partners/territories/98")  # the rate-limit window's first call
    # rate counter, département, structures, contracts, hubs, coordinators
    with django_assert_max_num_queries(6):
        response = get(client, "/api/v1/partners/territories/39")
    body = response.json()
    assert body["name"] == "Jura" and body["posts_granted"] == 5
    assert body["advisors_in_post"] == 3 and body["structures_count"] == 2
    assert [(s["name"], s["advisors_in_post"]) for s in body["structures"]] == [
        ("CC du Grand Dole", 1),
        ("ECLA", 2),
    ]
    assert get(client, "/api/v1/partners/territories/98").status_code == 404


def test_public_statistics_of_a_departement_and_a_period(client, jura, doubs):
    ecla = factories.StructureFactory(name="ECLA", commune__departement=jura)
    besancon = factories.StructureFactory(commune__departement=doubs)
    advisor = advisor_user()
    add_report(advisor, ecla, date(2022, 3, 4))
    add_report(advisor, ecla, date(2022, 5, 6))
    add_report(advisor_user(), besancon, date(2022, 3, 4))
    url = "/api/v1/partners/statistics"
    assert get(client, url).json()["accompaniments"] == 3
    body = get(client, url, departement="39", start="2022-01-01", end="2022-03-31").json()
    assert body["territory"] == "Jura" and body["accompaniments"] == 1
    assert body["months"][0]["month"] == "2022-01-01"
    assert get(client, url, region=jura.region_id).json()["accompaniments"] == 3
    response = get(client, url, start="2022-05-01", end="2022-01-01")
    assert response.status_code == 422
    assert get(client, url, departement="98").status_code == 404


# Structures (non-public) ---------------------------------------------------------------


def test_a_key_restricted_to_the_jura_sees_only_its_structures(client, make_key, jura, doubs):
    ecla = factories.StructureFactory(name="ECLA", validated=True, commune__departement=jura)
    doubs_structure = factories.StructureFactory(name="Doubs", commune__departement=doubs)
    _, clear_key = make_key(Scope.STRUCTURES, departements=["39"])

    response = get(client, STRUCTURES, clear_key)
    assert [s["name"] for s in response.json()["items"]] == ["ECLA"]
    item = response.json()["items"][0]
    assert item["contact"]["email"] == ecla.contact_email
    assert (item["commune"], item["commune_name"], item["departement"], item["region"]) == (
        ecla.commune_id,
        ecla.commune.name,
        "39",
        jura.region_id,
    )
    assert (item["status"], item["status_label"]) == (ecla.status, ecla.get_status_display())
    assert item["posts_granted"] == ecla.granted_posts
    assert get(client, f"{STRUCTURES}/{ecla.pk}", clear_key).status_code == 200
    # Outside the key's territory: not found, as if it did not exist.
    assert get(client, f"{STRUCTURES}/{doubs_structure.pk}", clear_key).status_code == 404
    assert get(client, STRUCTURES, clear_key, departement="25").status_code == 404
    assert get(client, STRUCTURES, clear_key, departement="39").json()["count"] == 1


def test_a_key_restricted_to_a_region_and_an_unrestricted_key(client, make_key, jura, doubs):
    factories.StructureFactory(name="ECLA", commune__departement=jura)
    factories.StructureFactory(name="Doubs", commune__departement=doubs)
    _, regional = make_key(Scope.STRUCTURES, regions=[jura.region_id])
    _, national_key = make_key(Scope.STRUCTURES, name="Nationale")
    assert get(client, STRUCTURES, regional, departement="25").json()["count"] == 1
    assert get(client, STRUCTURES, national_key).json()["count"] == 2


def test_the_structures_list_runs_a_constant_number_of_queries(
    client, make_key, jura, django_assert_num_queries
):
    _, clear_key = make_key(Scope.STRUCTURES, departements=["39"])
    factories.StructureFactory(commune__departement=jura)
    get(client, STRUCTURES, clear_key)  # the rate-limit window's first call
    # key lookup, key use, rate counter, count, page
    with django_assert_num_queries(5):
        get(client, STRUCTURES, clear_key)
    factories.StructureFactory.create_batch(10, commune__departement=jura)
    with django_assert_num_queries(5):
        assert get(client, STRUCTURES, clear_key).json()["count"] == 11


# Documentation -------------------------------------------------------------------------


def test_the_endpoints_are_in_the_openapi_document_with_the_key_header(client, db):
    document = client.get("/api/v1/openapi.json").json()
    for path in ("places", "territories/{code}", "statistics", "structures"):
        operation = document["paths"][f"/api/v1/partners/{path}"]["get"]
        assert operation["summary"] and operation["description"]
        assert operation["security"] == [{"PartnerKey": []}]
    scheme = document["components"]["securitySchemes"]["PartnerKey"]
    assert scheme == {"type": "apiKey", "in": "header", "name": "X-Api-Key"}


def test_contact_persons_are_shown_for_validated_structures_only(client, make_key, jura):
    validated = factories.StructureFactory(
        name="A validée", validated=True, commune__departement=jura
    )
    pending = factories.StructureFactory(name="B en attente", commune__departement=jura)
    _, clear_key = make_key(Scope.STRUCTURES)

    items = get(client, STRUCTURES, clear_key).json()["items"]
    assert [(item["name"], bool(item["contact"])) for item in items] == [
        ("A validée", True),
        ("B en attente", False),
    ]
    assert items[0]["contact"]["last_name"] == validated.contact_last_name
    detail = get(client, f"{STRUCTURES}/{pending.pk}", clear_key).json()
    assert detail["contact"] is None
    assert pending.contact_email not in str(detail)


# Rate-limit headers --------------------------------------------------------------------


def test_every_answer_says_where_the_caller_stands(client, settings, db):
    settings.PARTNERS_API_RATE_LIMITS = {"key": (5, 60), "anonymous": (3, 60)}
    answers = [
        get(client, PLACES),
        get(client, "/api/v1/partners/territories/98"),  # 404
        get(client, PLACES, bbox="nulle-part"),  # 422
        get(client, PLACES),  # 429
    ]
    assert [a.status_code for a in answers] == [200, 404, 422, 429]
    assert [a["RateLimit-Limit"] for a in answers] == ["3"] * 4
    assert [a["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    # The frozen clock is 20 s into its minute.
    assert {a["RateLimit-Reset"] for a in answers} == {"40"}
    assert answers[-1]["Retry-After"] == "40"
    assert all("Retry-After" not in a for a in answers[:-1])


def test_the_rate_limit_headers_are_documented(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    responses = schema["paths"][PLACES]["get"]["responses"]
    for status in ("200", "422", "429"):
        assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(
            responses[status]["headers"]
        )
    assert "Retry-After" in responses["429"]["headers"]
    assert "Retry-After" not in responses["200"]["headers"]
