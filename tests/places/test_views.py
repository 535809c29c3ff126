import pytest
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.places.models import Place, PlaceAdvisor
from tests import factories
from tests.places.conftest import make_advisor, make_place


@pytest.fixture
def form_data(dole):
    return {
        "name": "Espace numérique de la gare",
        "address": "3 avenue de la Gare",
        "commune": dole.label,
        "latitude": "",
        "longitude": "",
        "siret": "",
        "phone": "03 84 79 78 40",
        "email": "",
        "website": "",
        "opening_hours": "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
        "access": "walk_in",
        "itinerant": "fixed",
        "fees": "Gratuit",
        "services": ["Navigation sécurisée"],
        "publics": ["Tout public"],
        "labels": ["France Services"],
        "visible_on_map": "on",
        "main": "on",
    }


def test_an_advisor_creates_a_place(client, advisor, employer, colleague_advisor, form_data):
    client.force_login(advisor)
    response = client.post(
        reverse("places:create"), form_data | {"advisors": [colleague_advisor.pk]}
    )
    place = Place.objects.get()
    assert response.url == reverse("places:detail", args=[place.pk])
    assert place.structure == employer
    assert place.phone == "+33384797840"
    assert place.labels == ["France Services"]
    assert not place.itinerant and place.visible_on_map
    workers = {(link.advisor, link.main) for link in place.advisors.all()}
    assert workers == {(advisor, True), (colleague_advisor, False)}


def test_unreadable_hours_are_shown_at_the_field(client, advisor, form_data):
    client.force_login(advisor)
    response = client.post(reverse("places:create"), form_data | {"opening_hours": "lundi 9h"})
    assert response.status_code == 200
    assert response.context["form"].errors["opening_hours"][0].startswith("Horaires illisibles")
    assert not Place.objects.exists()


@pytest.mark.parametrize("field", ["name", "address"])
def test_a_line_break_in_a_name_or_address_is_refused(client, advisor, form_data, field):
    client.force_login(advisor)
    response = client.post(reverse("places:create"), form_data | {field: "Ligne 1\nLigne 2"})
    assert response.status_code == 200
    assert "une seule ligne" in str(response.context["form"].errors[field])
    assert not Place.objects.exists()


def test_a_wrong_phone_is_refused(client, advisor, form_data):
    client.force_login(advisor)
    response = client.post(reverse("places:create"), form_data | {"phone": "12 34"})
    assert "phone" in response.context["form"].errors


def test_same_address_warns_then_creates_when_confirmed(client, advisor, employer, form_data):
    make_place(employer, name="Gare", address="3, Av. de la GARE")
    client.force_login(advisor)
    response = client.post(reverse("places:create"), form_data)
    assert response.status_code == 200
    assert [p.name for p in response.context["duplicates"]] == ["Gare"]
    assert "Un lieu existe déjà à cette adresse" in response.content.decode()
    assert Place.objects.count() == 1
    key = response.context["duplicate_key"]
    response = client.post(reverse("places:create"), form_data | {"confirm_duplicate": key})
    assert response.status_code == 302
    assert Place.objects.count() == 2


def test_confirming_one_address_does_not_confirm_another(client, advisor, employer, form_data):
    make_place(employer, name="Gare", address="3 avenue de la Gare")
    make_place(employer, name="Gare bis", address="5 avenue de la Gare")
    client.force_login(advisor)
    key = client.post(reverse("places:create"), form_data).context["duplicate_key"]
    response = client.post(
        reverse("places:create"),
        form_data | {"address": "5 avenue de la Gare", "confirm_duplicate": key},
    )
    assert [p.name for p in response.context["duplicates"]] == ["Gare bis"]


def test_editing_sets_the_main_place_and_unsets_the_old_one(client, place, employer, advisor):
    other = make_place(employer, advisor, name="Mairie", address="Place de la mairie")
    client.force_login(advisor)
    response = client.get(reverse("places:edit", args=[other.pk]))
    data = {
        name: value
        for name, value in response.context["form"].initial.items()
        if value not in (None, False)
    } | {"commune": other.commune.label, "itinerant": "fixed", "main": "on"}
    response = client.post(reverse("places:edit", args=[other.pk]), data)
    assert response.status_code == 302
    mains = PlaceAdvisor.objects.filter(advisor=advisor, main=True)
    assert [link.place for link in mains] == [other]


def test_the_detail_says_the_hours_in_french(client, place, advisor):
    place.opening_hours = "Mo-Fr 09:00-12:00,14:00-17:00; Su off"
    place.save()
    client.force_login(advisor)
    content = client.get(reverse("places:detail", args=[place.pk])).content.decode()
    assert "Du lundi au vendredi : 9 h – 12 h, 14 h – 17 h" in content
    assert "Fermé le dimanche" in content


def test_hours_preview(client, advisor):
    client.force_login(advisor)
    url = reverse("places:hours_preview")
    preview = client.get(url, {"opening_hours": "Sa 09:00-12:00"}).content.decode()
    assert "Le samedi : 9 h – 12 h" in preview
    assert "Horaires illisibles" in client.get(url, {"opening_hours": "Sa 9h"}).content.decode()


@pytest.mark.parametrize("name", ["places:detail", "places:edit"])
def test_three_sides(client, place, advisor, stranger_advisor, candidate, name):
    url = reverse(name, args=[place.pk])
    client.force_login(advisor)
    assert client.get(url).status_code == 200
    client.force_login(stranger_advisor)
    assert client.get(url).status_code == 404
    client.force_login(candidate)
    assert client.get(url).status_code == 403


def test_a_colleague_reads_but_does_not_edit(client, place, colleague_advisor, manager):
    client.force_login(colleague_advisor)
    assert client.get(reverse("places:detail", args=[place.pk])).status_code == 200
    assert client.get(reverse("places:edit", args=[place.pk])).status_code == 403
    client.force_login(manager)
    assert client.get(reverse("places:edit", args=[place.pk])).status_code == 200


def test_lists_by_role(client, place, advisor, manager, national, stranger_advisor):
    outside = make_place(stranger_advisor.candidate.contracts.get().structure, name="Ailleurs")
    doubs = factories.DepartementFactory(code="25", name="Doubs")
    besancon = factories.StructureFactory(validated=True, commune__departement=doubs)
    make_place(besancon, name="Besançon")
    jura_prefecture = factories.UserFactory(
        roles=[(Role.PREFECTURE, {"departement": place.commune.departement})]
    )
    expected = {
        advisor: ["Médiathèque"],
        manager: ["Médiathèque"],
        jura_prefecture: ["Ailleurs", "Médiathèque"],
        national: ["Ailleurs", "Besançon", "Médiathèque"],
        stranger_advisor: [outside.name],
    }
    for user, names in expected.items():
        client.force_login(user)
        response = client.get(reverse("places:list"))
        assert sorted(p.name for p in response.context["places"]) == names


def test_candidate_gets_403_on_the_list(client, candidate):
    client.force_login(candidate)
    assert client.get(reverse("places:list")).status_code == 403


def test_list_query_count_is_constant(client, employer, advisor, django_assert_max_num_queries):
    make_place(employer, advisor)
    client.force_login(advisor)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("places:list"))
    for n in range(30):
        colleague = make_advisor(employer)
        make_place(employer, colleague, advisor, name=f"Lieu {n:02d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("places:list"))
    assert len(response.context["places"]) == 31
