import pytest

from cnfs.territories.search import normalize
from cnfs.www.territories.forms import CommuneField


def test_normalize_ignores_accents_case_punctuation_and_saint_abbreviations():
    assert normalize("Saint-Étienne-du-Rouvray") == "saint etienne du rouvray"
    assert normalize("st  ETIENNE du rouvray") == "saint etienne du rouvray"
    assert normalize("Ste-Marie") == "sainte marie"
    assert normalize("L'Haÿ-les-Roses") == "l hay les roses"


@pytest.mark.parametrize(
    ("query", "insee"),
    [("lons", "39300"), ("39000", "39300"), ("st claude", "39478"), ("ST-CLAUDE", "39478")],
)
def test_api_finds_the_expected_commune_first(client, territories, query, insee):
    response = client.get("/api/v1/communes", {"q": query})
    assert response.status_code == 200
    assert response.json()[0]["insee"] == insee


def test_api_ranks_by_population_and_gives_the_commune_details(client, territories):
    results = client.get("/api/v1/communes", {"q": "saint denis", "limit": 5}).json()
    assert {r["insee"] for r in results[:2]} == {"93066", "97411"}
    lons = client.get("/api/v1/communes", {"q": "39000"}).json()[0]
    assert lons["departement"] == "39" and lons["departement_name"] == "Jura"
    assert "39000" in lons["postal_codes"] and lons["latitude"] > 46


def test_api_limits_the_number_of_results(client, territories):
    assert len(client.get("/api/v1/communes", {"q": "saint", "limit": 500}).json()) == 50
    assert client.get("/api/v1/communes", {"q": "a"}).json() == []


def test_api_answers_with_a_constant_number_of_queries(
    client, territories, django_assert_num_queries
):
    with django_assert_num_queries(1):
        client.get("/api/v1/communes", {"q": "saint"})


def test_suggestions_fill_the_autocomplete(client, territories):
    response = client.get(
        "/territoires/communes/suggestions/", {"field": "commune", "commune": "lons"}
    )
    assert response.status_code == 200
    assert "Lons-le-Saunier (39000) – 39300" in response.content.decode()


class TestCommuneField:
    def test_accepts_the_chosen_suggestion(self, territories):
        assert CommuneField().clean("Lons-le-Saunier (39000) – 39300").insee == "39300"

    def test_accepts_a_unique_name_typed_without_choosing(self, territories):
        assert CommuneField().clean("lons le saunier").insee == "39300"

    def test_refuses_an_ambiguous_name_with_a_french_message(self, territories):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError, match="Plusieurs communes"):
            CommuneField().clean("Saint-Claude")

    def test_refuses_an_unknown_commune(self, territories):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError, match="Commune introuvable"):
            CommuneField().clean("Nulle-Part-sur-Mer")
