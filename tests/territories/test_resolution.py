"""One resolution rule for every commune field and the public map (postal code, label, name),
checked against the committed referential: 14 communes have the postal code 39100 (Dole's);
39100 is also the INSEE code of Champrougier (postal code 39230)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cnfs.territories.models import Commune
from cnfs.territories.search import resolve
from cnfs.www.candidates.forms import ApplicationForm as CandidateApplicationForm
from cnfs.www.places.forms import PlaceForm
from cnfs.www.structures.forms import ApplicationForm as StructureApplicationForm
from cnfs.www.territories.forms import CommuneField

DOLE, CHAMPROUGIER, LONS, GAP = "39198", "39100", "39300", "05061"


def test_a_shared_postal_code_gives_its_communes_most_populous_first(territories):
    found = resolve(Commune.objects.all(), "39100")
    assert found.commune is None
    assert [c.insee for c in found.choices][:1] == [DOLE]
    assert len(found.choices) == 14
    populations = [c.population for c in found.choices]
    assert populations == sorted(populations, reverse=True)
    assert CHAMPROUGIER not in {c.insee for c in found.choices}


def test_a_postal_code_of_one_commune_resolves_to_it(territories):
    assert resolve(Commune.objects.all(), "39 000").commune.insee == LONS


@pytest.mark.parametrize(
    ("text", "insee"),
    [
        ("Dole (39100) – 39198", DOLE),  # the suggestion's label
        ("Dole (39198)", DOLE),  # name and INSEE code
        ("Champrougier (39230) – 39100", CHAMPROUGIER),
        ("Dole (39100)", DOLE),  # name and postal code
        ("Dole (39100) – 39100", DOLE),  # an INSEE code that is not Dole's is not read
    ],
)
def test_an_insee_code_is_read_only_from_a_label_naming_its_commune(territories, text, insee):
    assert CommuneField().clean(text).insee == insee


def test_the_field_refuses_a_shared_postal_code_listing_the_choices(territories):
    with pytest.raises(ValidationError) as error:
        CommuneField().clean("39100")
    message = error.value.messages[0]
    assert message.startswith("Le code postal 39100 est celui de 14 communes")
    assert "(Dole, " in message and "Champrougier" not in message


def test_the_field_says_when_no_commune_has_the_postal_code(territories):
    with pytest.raises(ValidationError, match="Aucune commune n’a le code postal 39999"):
        CommuneField().clean("39999")


def test_an_ambiguous_name_lists_the_communes_with_their_departement(territories):
    with pytest.raises(ValidationError) as error:
        CommuneField().clean("Saint-Claude")
    assert "Saint-Claude (39)" in error.value.messages[0]


@pytest.mark.parametrize(
    "form_class", [StructureApplicationForm, CandidateApplicationForm, PlaceForm]
)
def test_a_typed_postal_code_never_resolves_to_the_commune_of_that_insee_code(
    territories, form_class
):
    field = form_class.base_fields["commune"]
    with pytest.raises(ValidationError, match="14 communes"):
        field.clean("39100")
    assert field.clean("39000").insee == LONS


def test_a_redisplayed_form_shows_the_postal_code_as_typed(territories):
    form = StructureApplicationForm(data={"commune": "39100"})
    html = str(form["commune"])
    assert 'value="39100"' in html and "Champrougier" not in html
    assert "Dole" in form.errors["commune"][0]


def test_an_initial_commune_is_shown_by_its_label(territories):
    form = StructureApplicationForm(initial={"commune": DOLE})
    assert 'value="Dole (39100) – 39198"' in str(form["commune"])


def test_suggestions_of_a_postal_code_list_all_its_communes_most_populous_first(
    client, territories
):
    response = client.get(
        reverse("territories:commune_suggestions"), {"field": "commune", "commune": "39100"}
    )
    options = response.content.decode().count("<option")
    assert options == 14
    assert response.content.decode().index("Dole") < response.content.decode().index("Foucherans")
    assert "Champrougier" not in response.content.decode()


@pytest.mark.parametrize(("query", "insee"), [("39100", DOLE), ("05000", GAP), ("39000", LONS)])
def test_the_api_search_by_postal_code_puts_the_most_populous_first(
    client, territories, query, insee
):
    results = client.get("/api/v1/communes", {"q": query, "limit": 50}).json()
    assert results[0]["insee"] == insee
    assert all(query in r["postal_codes"] for r in results)
