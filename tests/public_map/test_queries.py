from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from cnfs.places.enums import Access, Service
from cnfs.public import queries
from cnfs.public.queries import BBox, MapFilters
from tests.public_map.conftest import make_place

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
TUESDAY_10AM = datetime(2021, 6, 8, 10, 0, tzinfo=PARIS)
TUESDAY_1PM = datetime(2021, 6, 8, 13, 0, tzinfo=PARIS)
AROUND_LYON = BBox(4.7, 45.6, 5.0, 45.9)


def names(rows):
    return [row["name"] for row in rows]


def test_filters_read_from_the_query_ignore_unknown_values():
    query = QueryDict(mutable=True)
    query.setlist("services", [Service.SECURITY, "n’importe quoi", Service.SECURITY])
    query.update({"itinerant": "1", "access": "teleportation", "departement": "2a"})
    filters = MapFilters.from_query(query)
    assert filters == MapFilters(services=(Service.SECURITY,), itinerant=True, departement="2A")


@pytest.mark.parametrize("text", ["", "1,2,3", "a,b,c,d", "5,45,4,46", "nan,1,2,3"])
def test_unreadable_bbox(text):
    assert BBox.parse(text) is None


def test_only_public_places_with_an_advisor(communes):
    lyon = communes["lyon"]
    make_place(lyon, name="Public")
    make_place(lyon, name="Sans conseiller", advisors=0)
    make_place(lyon, name="Masqué", visible_on_map=False)
    make_place(lyon, name="Fermé définitivement", active=False)
    assert names(queries.rows(queries.public_places())) == ["Public"]


def test_services_filter_keeps_places_offering_every_chosen_service(communes):
    lyon = communes["lyon"]
    make_place(lyon, name="Démarches", services=[Service.ONLINE_PROCEDURES, Service.SECURITY])
    make_place(lyon, name="Emploi", services=[Service.JOB])
    make_place(lyon, name="Rien")
    job = queries.filtered_places(MapFilters(services=(Service.JOB,)))
    assert names(queries.rows(job)) == ["Emploi"]
    both = MapFilters(services=(Service.SECURITY, Service.ONLINE_PROCEDURES))
    assert names(queries.rows(queries.filtered_places(both))) == ["Démarches"]
    none = MapFilters(services=(Service.JOB, Service.SECURITY))
    assert queries.rows(queries.filtered_places(none)) == []


def test_itinerant_and_access_filters(communes):
    lyon = communes["lyon"]
    make_place(lyon, name="Bus numérique", itinerant=True, access=Access.APPOINTMENT)
    make_place(lyon, name="Médiathèque", access=Access.WALK_IN)
    itinerant = queries.filtered_places(MapFilters(itinerant=True))
    assert names(queries.rows(itinerant)) == ["Bus numérique"]
    walk_in = queries.filtered_places(MapFilters(access=Access.WALK_IN))
    assert names(queries.rows(walk_in)) == ["Médiathèque"]


def test_territory_filters(communes):
    make_place(communes["lyon"], name="Lyon")
    make_place(communes["dole"], name="Dole")
    assert names(queries.rows(queries.filtered_places(MapFilters(departement="39")))) == ["Dole"]
    assert names(queries.rows(queries.filtered_places(MapFilters(region="84")))) == ["Lyon"]


def test_open_now_uses_the_hours_at_the_given_time(communes):
    lyon = communes["lyon"]
    make_place(lyon, name="Matin", opening_hours="Mo-Fr 09:00-12:00")
    make_place(lyon, name="Après-midi", opening_hours="Mo-Fr 14:00-17:00")
    make_place(lyon, name="Horaires inconnus", opening_hours="")
    filters = MapFilters(open_now=True)
    morning = queries.map_data(filters, AROUND_LYON, 12, at=TUESDAY_10AM)
    assert names(morning["places"]) == ["Matin"]
    assert queries.map_data(filters, AROUND_LYON, 12, at=TUESDAY_1PM)["places"] == []
    everything = queries.map_data(MapFilters(), AROUND_LYON, 12, at=TUESDAY_1PM)
    assert len(everything["places"]) == 3


def test_open_now_uses_the_clock_of_an_overseas_place(db):
    from tests import factories

    pointe = factories.CommuneFactory(overseas=True, insee="97120", name="Pointe-à-Pitre")
    make_place(pointe, name="Guadeloupe", opening_hours="Mo-Fr 09:00-12:00")
    # 10:00 in Paris is 04:00 in Guadeloupe: closed.
    assert (
        queries.nearest(MapFilters(open_now=True), 16.24, -61.53, world="971", at=TUESDAY_10AM)
        == []
    )
    at_15h_paris = datetime(2021, 6, 8, 15, 0, tzinfo=PARIS)  # 09:00 in Guadeloupe
    assert names(
        queries.nearest(MapFilters(open_now=True), 16.24, -61.53, world="971", at=at_15h_paris)
    ) == ["Guadeloupe"]


def test_bbox_returns_only_the_places_inside(communes):
    make_place(communes["lyon"], name="Lyon")
    make_place(communes["villeurbanne"], name="Villeurbanne")
    make_place(communes["dole"], name="Dole")
    data = queries.map_data(MapFilters(), AROUND_LYON, 10)
    assert data["kind"] == "places"
    assert sorted(names(data["places"])) == ["Lyon", "Villeurbanne"]
    assert set(data["places"][0]) == {
        "id",
        "name",
        "lat",
        "lon",
        "commune",
        "itinerant",
        "access",
        "appointment",
    }


def test_few_places_are_shown_even_zoomed_out(communes):
    make_place(communes["lyon"], name="Lyon")
    assert queries.map_data(MapFilters(), None, 5)["kind"] == "places"


def test_zoomed_out_with_many_places_gives_counts(communes, monkeypatch):
    monkeypatch.setattr(queries, "MAX_MAP_PLACES", 2)
    make_place(communes["lyon"], name="Lyon 1")
    make_place(communes["villeurbanne"], name="Villeurbanne")
    make_place(communes["dole"], name="Dole")
    data = queries.map_data(MapFilters(), None, 5)
    assert data["kind"] == "counts"
    assert [(d["code"], d["name"], d["count"]) for d in data["departements"]] == [
        ("39", "Jura", 1),
        ("69", "Rhône", 2),
    ]
    assert [(r["code"], r["count"]) for r in data["regions"]] == [("27", 1), ("84", 2)]
    rhone = data["departements"][1]
    assert rhone["lat"] == pytest.approx((45.758 + 45.771) / 2)
    # Zoomed in, the places again, whatever their number; not for a country-wide box.
    assert queries.map_data(MapFilters(), AROUND_LYON, 9)["kind"] == "places"
    assert queries.map_data(MapFilters(), BBox(-5, 41, 10, 51), 9)["kind"] == "counts"


def test_counts_with_open_now_count_open_places_only(communes, monkeypatch):
    monkeypatch.setattr(queries, "MAX_MAP_PLACES", 1)
    make_place(communes["lyon"], name="Matin", opening_hours="Mo-Fr 09:00-12:00")
    make_place(communes["lyon"], name="Après-midi", opening_hours="Mo-Fr 14:00-17:00")
    make_place(communes["dole"], name="Dole", opening_hours="Mo-Fr 14:00-17:00")
    data = queries.map_data(MapFilters(open_now=True), None, 5, at=TUESDAY_10AM)
    assert [(d["code"], d["count"]) for d in data["departements"]] == [("69", 1)]
    assert [(r["code"], r["count"]) for r in data["regions"]] == [("84", 1)]


def test_nearest_sorts_by_great_circle_distance(communes):
    make_place(communes["dole"], name="Dole")
    make_place(communes["givors"], name="Givors")
    make_place(communes["villeurbanne"], name="Villeurbanne")
    lyon = communes["lyon"]
    found = queries.nearest(MapFilters(), lyon.latitude, lyon.longitude, world="")
    assert names(found) == ["Villeurbanne", "Givors", "Dole"]
    assert found[0]["distance_km"] == pytest.approx(4.5, abs=0.3)


def test_map_data_runs_a_constant_number_of_queries(communes, django_assert_num_queries):
    make_place(communes["lyon"])
    with django_assert_num_queries(1):
        queries.map_data(MapFilters(services=(Service.JOB,)), AROUND_LYON, 12)
    for _ in range(5):
        make_place(communes["villeurbanne"], services=[Service.JOB])
    with django_assert_num_queries(1):
        queries.map_data(MapFilters(services=(Service.JOB,)), AROUND_LYON, 12)
