import gzip
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from cnfs.places.enums import Access, Service
from cnfs.places.models import PlaceAdvisor
from tests import factories
from tests.public_map.conftest import make_place

pytestmark = pytest.mark.django_db
TUESDAY_10AM = datetime(2021, 6, 8, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def listed(response):
    return [place["name"] for place in response.context["places"]]


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: TUESDAY_10AM)
    return TUESDAY_10AM


@pytest.fixture
def spread(communes):
    """A place in Dole, Givors and Villeurbanne: from Lyon, Villeurbanne is nearest."""
    return {
        key: make_place(communes[key], name=f"Espace numérique de {communes[key].name}")
        for key in ("dole", "givors", "villeurbanne")
    }


def test_list_is_sorted_by_distance_from_the_searched_commune(client, spread):
    response = client.get(reverse("public:map"), {"commune": "Lyon"})
    assert response.status_code == 200
    assert listed(response) == [
        "Espace numérique de Villeurbanne",
        "Espace numérique de Givors",
        "Espace numérique de Dole",
    ]
    assert "Les lieux les plus proches de Lyon" in response.content.decode()


def test_search_by_postal_code_and_by_position(client, spread):
    by_postal_code = client.get(reverse("public:map"), {"commune": "39100"})
    assert listed(by_postal_code)[0] == "Espace numérique de Dole"
    near_givors = client.get(reverse("public:map"), {"lat": "45.58", "lon": "4.77"})
    assert listed(near_givors)[0] == "Espace numérique de Givors"
    assert "plus proches de votre position" in near_givors.content.decode()


def test_unknown_commune_says_so_and_still_lists(client, spread):
    response = client.get(reverse("public:map"), {"commune": "Nullepart"})
    assert "Commune introuvable" in response.content.decode()
    assert len(listed(response)) == 3


def test_list_without_a_point_shows_every_public_place(client, communes, spread):
    make_place(communes["lyon"], name="Sans conseiller", advisors=0)
    make_place(communes["lyon"], name="Masqué", visible_on_map=False)
    response = client.get(reverse("public:map"))
    assert sorted(listed(response)) == sorted(place.name for place in spread.values())


def test_filters_on_the_list(client, communes, frozen):
    lyon = communes["lyon"]
    make_place(lyon, name="Bus", itinerant=True, access=Access.APPOINTMENT)
    make_place(lyon, name="Emploi", services=[Service.JOB], opening_hours="Mo-Fr 14:00-17:00")
    make_place(lyon, name="Matin", opening_hours="Mo-Fr 09:00-12:00")
    url = reverse("public:map")
    assert listed(client.get(url, {"commune": "Lyon", "itinerant": "on"})) == ["Bus"]
    assert listed(client.get(url, {"commune": "Lyon", "services": Service.JOB})) == ["Emploi"]
    assert listed(client.get(url, {"access": Access.APPOINTMENT})) == ["Bus"]
    open_now = client.get(url, {"commune": "Lyon", "open_now": "on"})
    assert sorted(listed(open_now)) == ["Bus", "Matin"]
    assert listed(client.get(url, {"open_now": "on"})) == ["Bus", "Matin"]


def test_data_endpoint_returns_places_in_the_bbox(client, spread):
    response = client.get(reverse("public:data"), {"bbox": "4.7,45.5,5.0,45.9", "zoom": "10"})
    data = response.json()
    assert data["kind"] == "places"
    assert sorted(p["name"] for p in data["places"]) == [
        "Espace numérique de Givors",
        "Espace numérique de Villeurbanne",
    ]


def test_data_endpoint_counts_when_zoomed_out_over_many_places(client, spread, monkeypatch):
    monkeypatch.setattr("cnfs.public.queries.MAX_MAP_PLACES", 2)
    data = client.get(reverse("public:data"), {"bbox": "-5,41,10,51", "zoom": "5"}).json()
    assert data["kind"] == "counts"
    assert {d["code"]: d["count"] for d in data["departements"]} == {"39": 1, "69": 2}


def test_data_endpoint_refuses_a_bad_bbox(client):
    response = client.get(reverse("public:data"), {"bbox": "a,b"})
    assert response.status_code == 400


def test_outlines_are_the_departements_geojson_cached(client):
    response = client.get(reverse("public:outlines"), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=86400" in response["Cache-Control"]
    outlines = json.loads(gzip.decompress(response.content))
    assert len(outlines["features"]) == 101
    plain = client.get(reverse("public:outlines"))
    assert json.loads(plain.content)["type"] == "FeatureCollection"


def test_place_details(client, communes, frozen):
    place = make_place(
        communes["lyon"],
        name="Médiathèque Lacassagne",
        services=[Service.SECURITY],
        publics=["Seniors (+ 65 ans)"],
        labels=["France Services"],
        phone="+33478000000",
        email="contact@mediatheque.fr",
        website="https://mediatheque.example.fr",
        opening_hours="Mo-Fr 09:00-12:00",
    )
    response = client.get(reverse("public:place", args=[place.pk]))
    html = response.content.decode()
    for text in (
        "Médiathèque Lacassagne",
        "Du lundi au vendredi : 9 h – 12 h",
        "Ouvert maintenant",
        "Accès libre",
        "Navigation sécurisée",
        "Seniors (+ 65 ans)",
        "France Services",
        "04 78 00 00 00",
        "tel:+33-4-78-00-00-00",
        "contact@mediatheque.fr",
        "https://mediatheque.example.fr",
        "Gratuit",
    ):
        assert text in html, text


def test_advisors_are_named_only_when_they_agreed(client, communes):
    place = make_place(communes["lyon"], advisors=0)
    shown = factories.UserFactory(first_name="Alix", last_name="Martin")
    hidden = factories.UserFactory(first_name="Bastien", last_name="Roy")
    PlaceAdvisor.objects.create(place=place, advisor=shown, shown_publicly=True)
    PlaceAdvisor.objects.create(place=place, advisor=hidden, shown_publicly=False)
    html = client.get(reverse("public:place", args=[place.pk])).content.decode()
    assert "Alix M." in html
    assert "Martin" not in html
    assert "Bastien" not in html
    assert shown.email not in html


@pytest.mark.parametrize("fields", [{"visible_on_map": False}, {"active": False}, {"advisors": 0}])
def test_details_of_a_hidden_place_are_not_found(client, communes, fields):
    place = make_place(communes["lyon"], **fields)
    assert client.get(reverse("public:place", args=[place.pk])).status_code == 404


def test_embed_may_be_framed_and_has_no_site_header(client, spread):
    response = client.get(reverse("public:embed"), {"departement": "69"})
    assert "X-Frame-Options" not in response
    html = response.content.decode()
    assert "fr-header" not in html
    assert "(Rhône)" in html
    assert sorted(listed(response)) == [
        "Espace numérique de Givors",
        "Espace numérique de Villeurbanne",
    ]
    assert client.get(reverse("public:map"))["X-Frame-Options"] == "DENY"


def test_map_page_documents_the_embed(client):
    html = client.get(reverse("public:map")).content.decode()
    assert "Intégrer la carte sur votre site" in html
    assert "/carte/integration/?departement=39" in html


def test_tile_layer_is_optional_configuration(client, settings):
    config = client.get(reverse("public:map")).context["map_config"]
    assert config["tile_url"] == ""
    settings.MAP_TILE_URL = "https://tuiles.example.fr/{z}/{x}/{y}.png"
    config = client.get(reverse("public:map")).context["map_config"]
    assert config["tile_url"] == settings.MAP_TILE_URL


def _more_places(communes, n):
    for i in range(n):
        make_place(communes["villeurbanne"], name=f"Lieu {i}", services=[Service.JOB])


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"commune": "Lyon"},
        {"commune": "Lyon", "open_now": "on", "services": Service.JOB},
        {"open_now": "on"},
        {"departement": "69"},
    ],
)
def test_map_page_runs_a_constant_number_of_queries(
    client, communes, spread, params, django_assert_max_num_queries
):
    client.get(reverse("public:map"), params)  # warm the caches (content types, sessions…)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(reverse("public:map"), params)
    _more_places(communes, 8)
    with django_assert_max_num_queries(len(first)):
        client.get(reverse("public:map"), params)


@pytest.mark.parametrize("zoom", ["5", "12"])
def test_data_endpoint_runs_a_constant_number_of_queries(
    client, communes, spread, zoom, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("cnfs.public.queries.MAX_MAP_PLACES", 2)
    bbox = "-5,41,10,51" if zoom == "5" else "4.7,45.5,5.0,45.9"
    params = {"bbox": bbox, "zoom": zoom}
    expected = 3 if zoom == "5" else 1  # counts: the places, their groups, the names
    with django_assert_num_queries(expected):
        client.get(reverse("public:data"), params)
    _more_places(communes, 8)
    cache.clear()
    with django_assert_num_queries(expected):
        client.get(reverse("public:data"), params)


def test_counts_are_cached_per_set_of_filters(
    client, spread, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("cnfs.public.queries.MAX_MAP_PLACES", 1)
    url = reverse("public:data")
    client.get(url, {"zoom": "5"})
    with django_assert_num_queries(1):  # the bounded fetch only: the counts are cached
        data = client.get(url, {"zoom": "5", "bbox": "4,45,6,48"}).json()
    assert {d["code"]: d["count"] for d in data["departements"]} == {"39": 1, "69": 2}
    itinerant = client.get(url, {"zoom": "5", "itinerant": "1"}).json()
    assert itinerant["kind"] == "places"
    assert itinerant["places"] == []


def _counts(client):
    data = client.get(reverse("public:data"), {"zoom": "5"}).json()
    assert data["kind"] == "counts"
    return {d["code"]: d["count"] for d in data["departements"]}


def test_a_written_place_changes_the_cached_counts_once_committed(
    client, spread, communes, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("cnfs.public.queries.MAX_MAP_PLACES", 1)
    assert _counts(client) == {"39": 1, "69": 2}

    with django_capture_on_commit_callbacks() as pending:
        place = make_place(communes["lyon"])
    # Not yet committed: readers keep the cached counts (nothing to show is half written).
    assert _counts(client) == {"39": 1, "69": 2}
    for callback in pending:
        callback()
    assert _counts(client) == {"39": 1, "69": 3}

    with django_capture_on_commit_callbacks(execute=True):
        PlaceAdvisor.objects.filter(place=place).delete()  # its advisor left
    assert _counts(client) == {"39": 1, "69": 2}


def test_place_page_runs_a_constant_number_of_queries(client, communes, django_assert_num_queries):
    place = make_place(communes["lyon"], shown=True)
    with django_assert_num_queries(2):
        client.get(reverse("public:place", args=[place.pk]))
    for _ in range(4):
        user = factories.UserFactory()
        PlaceAdvisor.objects.create(place=place, advisor=user, shown_publicly=True)
    with django_assert_num_queries(2):
        client.get(reverse("public:place", args=[place.pk]))


# One resolution rule and closed worlds (DOMAIN §4.2) ----------------------------------------


def test_a_shared_postal_code_searches_from_the_most_populous_and_offers_the_others(
    client, communes, spread
):
    foucherans = factories.CommuneFactory(
        insee="39233",
        name="Foucherans",
        search_name="foucherans",
        postal_codes="39100",
        departement=communes["dole"].departement,
        population=2284,
        latitude=47.084,
        longitude=5.452,
    )
    response = client.get(reverse("public:map"), {"commune": "39100", "itinerant": "on"})
    assert response.context["point"][2] == "Dole"
    assert [other["name"] for other in response.context["alternatives"]] == ["Foucherans"]
    query = response.context["alternatives"][0]["query"]
    assert "itinerant=on" in query
    chosen = client.get(reverse("public:map") + "?" + query)
    assert chosen.context["point"][2] == "Foucherans"
    assert chosen.context["alternatives"] == []
    assert foucherans.label in chosen.content.decode()


@pytest.fixture
def islands(db):
    """Pointe-à-Pitre (Guadeloupe) and Saint-Martin (postal code 97150, a world of its own)."""
    guadeloupe = factories.CommuneFactory(
        overseas=True,
        insee="97120",
        name="Pointe-à-Pitre",
        search_name="pointe a pitre",
        postal_codes="97110",
    )
    saint_martin = factories.CommuneFactory(
        insee="97801",
        name="Saint-Martin",
        search_name="saint martin",
        postal_codes="97150",
        departement=guadeloupe.departement,
        latitude=18.08,
        longitude=-63.05,
    )
    return {
        "guadeloupe": make_place(guadeloupe, name="Cyber-base de Pointe-à-Pitre"),
        "saint_martin": make_place(saint_martin, name="Espace numérique de Marigot"),
    }


def test_a_guadeloupe_search_never_lists_mainland_places(client, spread, islands):
    response = client.get(reverse("public:map"), {"commune": "Pointe-à-Pitre"})
    assert listed(response) == ["Cyber-base de Pointe-à-Pitre"]


def test_a_saint_martin_search_stays_in_saint_martin(client, spread, islands):
    response = client.get(reverse("public:map"), {"commune": "97150"})
    assert listed(response) == ["Espace numérique de Marigot"]


def test_a_mainland_search_never_lists_overseas_places(client, spread, islands):
    response = client.get(reverse("public:map"), {"commune": "Lyon"})
    assert len(listed(response)) == 3
    assert not {"Cyber-base de Pointe-à-Pitre", "Espace numérique de Marigot"} & set(
        listed(response)
    )


def test_a_position_searches_in_the_closed_world_of_the_nearest_commune(client, spread, islands):
    response = client.get(reverse("public:map"), {"lat": "16.3", "lon": "-61.5"})
    assert listed(response) == ["Cyber-base de Pointe-à-Pitre"]
