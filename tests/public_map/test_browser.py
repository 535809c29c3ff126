import re

import pytest
from playwright.sync_api import expect

from cnfs.places.enums import Service
from tests.browser_support import axe_violations
from tests.public_map.conftest import make_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_a_commune_see_the_nearest_place_first_and_open_it(live_server, page, communes):
    make_place(communes["dole"], name="Espace numérique de Dole")
    make_place(communes["givors"], name="Médiathèque de Givors")
    nearest = make_place(
        communes["villeurbanne"],
        name="Maison France Services de Villeurbanne",
        services=[Service.ONLINE_PROCEDURES],
        shown=True,
    )
    page.goto(f"{live_server.url}/carte/")
    assert axe_violations(page) == []
    page.get_by_label("Commune ou code postal").fill("Lyon")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"commune=Lyon"))
    results = page.locator("#place-list > li")
    expect(results).to_have_count(3)
    expect(results.first).to_contain_text("Maison France Services de Villeurbanne")
    expect(results.first).to_contain_text("km")
    # The map draws the places as a visual complement.
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    assert axe_violations(page) == []

    results.first.get_by_role("link").click()
    page.wait_for_url(f"**/carte/lieu/{nearest.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(nearest.name)
    expect(page.get_by_text(Service.ONLINE_PROCEDURES)).to_be_visible()
    assert axe_violations(page) == []


def test_embedded_map_is_accessible(live_server, page, communes):
    make_place(communes["lyon"], name="Médiathèque de Lyon")
    page.goto(f"{live_server.url}/carte/integration/?departement=69")
    expect(page.locator("#place-list > li")).to_have_count(1)
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    assert axe_violations(page) == []


def test_around_me_lists_the_places_nearest_to_the_browser_position(live_server, page, communes):
    make_place(communes["dole"], name="Espace numérique de Dole")
    make_place(communes["givors"], name="Médiathèque de Givors")
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 47.05, "longitude": 5.45})
    page.goto(f"{live_server.url}/carte/")
    page.get_by_role("button", name="Autour de moi").click()
    page.wait_for_url(re.compile(r"lat=47\.05"))
    expect(
        page.get_by_role("heading", name="Les lieux les plus proches de votre position")
    ).to_be_visible()
    expect(page.locator("#place-list > li").first).to_contain_text("Espace numérique de Dole")


# Accessible names, French controls, keyboard between the list and the map ----------------------


def _named(page, selector: str):
    return page.eval_on_selector_all(
        selector, "els => els.map(e => e.getAttribute('aria-label') || '')"
    )


@pytest.fixture
def gathered(communes):
    """Three places a hundred metres apart in Lyon (one cluster) and one in Villeurbanne."""
    lyon = communes["lyon"]
    places = [
        make_place(
            lyon,
            name=f"Lieu lyonnais {i}",
            latitude=lyon.latitude + 0.001 * i,
            longitude=lyon.longitude,
        )
        for i in range(3)
    ]
    return places + [make_place(communes["villeurbanne"], name="Espace de Villeurbanne")]


def test_markers_clusters_and_counts_have_names_and_the_controls_speak_french(
    live_server, page, gathered, monkeypatch
):
    page.goto(f"{live_server.url}/carte/?commune=Lyon")
    cluster = page.locator(".marker-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_have_attribute("aria-label", re.compile(r"^Groupe de 3 lieux : Lieu"))
    expect(cluster).to_have_attribute("role", "button")
    marker = page.locator(".leaflet-marker-icon[aria-label^='Espace de Villeurbanne']")
    expect(marker).to_have_attribute("aria-label", "Espace de Villeurbanne, Villeurbanne")
    expect(page.get_by_role("button", name="Zoom avant")).to_be_visible()
    expect(page.get_by_role("button", name="Zoom arrière")).to_be_visible()
    marker.click()
    expect(page.get_by_role("button", name="Fermer la bulle")).to_be_visible()
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")  # faded in
    assert axe_violations(page) == []

    # Zoomed out over many places, the map counts them per région.
    monkeypatch.setattr("cnfs.public.queries.MAX_MAP_PLACES", 1)
    page.goto(f"{live_server.url}/carte/")
    count = page.locator(".cnfs-map-count")
    expect(count).to_have_count(1)
    expect(count).to_have_attribute(
        "aria-label", "Auvergne-Rhône-Alpes : 4 lieux (agrandir la carte)"
    )
    assert _named(page, ".leaflet-marker-icon:not([aria-label])") == []
    assert axe_violations(page) == []


def _focused_label(page) -> str:
    return page.evaluate(
        "() => document.activeElement.getAttribute('aria-label')"
        " || document.activeElement.id || document.activeElement.textContent.trim()"
    )


def _tab_to(page, text: str, limit: int = 15):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused_label(page) == text:
            return
    pytest.fail(f"« {text} » is not reachable with Tab")


def test_the_list_and_the_map_reach_each_other_by_keyboard(live_server, page, gathered):
    page.goto(f"{live_server.url}/carte/?commune=Lyon")
    expect(page.locator(".marker-cluster")).to_have_count(1)

    # Skip links: from the list to the map and back.
    page.get_by_role("link", name="Aller à la carte").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#places-map")).to_be_focused()
    page.get_by_role("link", name="Aller à la liste des lieux").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#results-title")).to_be_focused()

    # From a place of the list (inside the cluster) to its marker, its bubble, and back.
    item = page.locator("#place-list > li", has_text="Lieu lyonnais 1")
    item.get_by_role("button", name="Voir sur la carte").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-marker-icon[aria-label^='Lieu lyonnais 1,']")).to_be_focused()
    expect(page.locator(".leaflet-popup")).to_contain_text("Lieu lyonnais 1")
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    _tab_to(page, "Revenir à ce lieu dans la liste")
    page.keyboard.press("Enter")
    expect(item.get_by_role("link", name="Lieu lyonnais 1")).to_be_focused()
    assert axe_violations(page) == []
