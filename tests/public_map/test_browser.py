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
        communes["villeurbanne"], name="Maison France Services de Villeurbanne",
        services=[Service.ONLINE_PROCEDURES], shown=True,
    )  # fmt: skip
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
