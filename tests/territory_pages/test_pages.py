import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnfs.contracts.enums import ContractStatus, TrainingStatus
from cnfs.publicpages.models import TerritoryContact
from cnfs.publicpages.wording import locative
from cnfs.structures.enums import StructureStatus
from cnfs.territories.models import Departement
from tests import factories
from tests.territory_pages.conftest import JURA_STRUCTURES, recruit

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's text, spaces (narrow no-break ones included) collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html).replace("\u202f", " "))


def jura_url():
    return reverse("territories:departement", args=["39"])


def test_the_jura_page_reads_like_the_press_release(client, jura_story):
    response = client.get(jura_url())

    assert response.status_code == 200
    assert "Dans le Jura, 13 conseillers numériques ont été recrutés par 9 structures." in text(
        response
    )


def test_the_jura_page_lists_its_9_structures_and_the_one_yet_to_recruit(client, jura_story):
    response = client.get(jura_url())

    listed = [s.name for s in response.context["structures"]]
    expected = [name for name, _, _ in JURA_STRUCTURES] + ["Structure sans recrutement"]
    assert sorted(listed) == sorted(expected)
    assert "Mairie candidate" not in response.content.decode()
    waiting = next(s for s in response.context["structures"] if s.name.startswith("Structure"))
    assert (waiting.posts_granted, waiting.posts_open, waiting.recruited) == (1, 1, 0)
    ecla = next(s for s in response.context["structures"] if s.name.startswith("ECLA"))
    assert (ecla.commune.name, ecla.recruited, ecla.in_post) == ("Lons-le-Saunier", 3, 3)


def test_advisors_recruited_count_people_once_and_ended_contracts_still_count(client, jura):
    structure = factories.StructureFactory(
        validated=True, granted_posts=2, commune__departement=jura
    )
    ended = recruit(structure, status=ContractStatus.ENDED)
    recruit(structure)
    # The same person hired again after the end of the first contract.
    again = recruit(structure)
    again.candidate = ended.candidate
    again.save()
    recruit(structure, status=ContractStatus.REJECTED)

    response = client.get(jura_url())

    figures = response.context["deployment"]
    assert (figures.recruited, figures.in_post, figures.hosting_structures) == (2, 2, 1)
    assert "2 conseillers numériques ont été recrutés par 1 structure." in text(response)


def test_the_hautes_alpes_page_lists_its_12_structures_and_their_18_open_posts(
    client, hautes_alpes_story
):
    response = client.get(reverse("territories:departement", args=["05"]))

    listed = response.context["structures"]
    assert len(listed) == 12
    assert sum(s.posts_granted for s in listed) == 18
    assert sum(s.posts_open for s in listed) == 18
    assert "Structure des Hautes-Alpes 7" in response.content.decode()


def test_open_posts_are_the_granted_posts_no_contract_holds(client, jura):
    structure = factories.StructureFactory(
        validated=True, granted_posts=3, commune__departement=jura
    )
    recruit(structure)
    recruit(structure, status=ContractStatus.ENDED)

    (listed,) = client.get(jura_url()).context["structures"]

    assert (listed.posts_granted, listed.posts_open, listed.in_post) == (3, 2, 1)


def test_the_structures_list_runs_the_same_queries_for_more_structures(
    client, hautes_alpes_story, hautes_alpes
):
    url = reverse("territories:departement", args=["05"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        structure = factories.StructureFactory(
            validated=True,
            granted_posts=2,
            commune__departement=hautes_alpes,
            commune__insee=f"05{n + 50:03d}",
        )
        recruit(structure)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_hautes_alpes_page_says_18_posts(client, hautes_alpes_story):
    response = client.get(reverse("territories:departement", args=["05"]))

    page = text(response)
    assert "Dans les Hautes-Alpes, aucun conseiller numérique n’a encore été recruté." in page
    assert "attribué 18 postes à 12 structures, soit 900 000 € de subventions" in page


def test_the_département_page_shows_its_share_of_the_national_target(client, hautes_alpes_story):
    response = client.get(reverse("territories:departement", args=["05"]))

    assert "soit 0,5 % de l’objectif national de 4 000 conseillers numériques" in text(response)


def test_training_figures_come_from_the_training_status(client, jura):
    structure = factories.StructureFactory(
        validated=True, granted_posts=5, commune__departement=jura
    )
    recruit(structure, training=TrainingStatus.IN_PROGRESS)
    recruit(structure, training=TrainingStatus.COMPLETED)
    recruit(structure, training=TrainingStatus.COMPLETED)
    recruit(structure, training=TrainingStatus.PLANNED)
    recruit(structure, status=ContractStatus.ENDED, training=TrainingStatus.COMPLETED)

    figures = client.get(jura_url()).context["deployment"]

    assert (figures.in_post, figures.in_training, figures.operational) == (4, 1, 2)


def test_the_region_page_sums_its_departements(client, jura_story, hautes_alpes_story):
    doubs = factories.DepartementFactory(code="25", name="Doubs")
    besancon = factories.StructureFactory(
        name="Ville de Besançon", validated=True, granted_posts=2, commune__departement=doubs
    )
    recruit(besancon)

    response = client.get(reverse("territories:region", args=["27"]))

    assert response.status_code == 200
    page = text(response)
    assert (
        "En Bourgogne-Franche-Comté, 14 conseillers numériques ont été recrutés par 10 structures."
        in page
    )
    assert "Ville de Besançon" in page
    assert [d.code for d, _ in response.context["parts"]] == ["25", "39"]
    assert "Hautes-Alpes" not in page


@pytest.mark.parametrize("name", ["territories:departement", "territories:region"])
def test_an_unknown_code_is_not_found(client, jura, name):
    assert client.get(reverse(name, args=["999"])).status_code == 404


def test_the_contact_of_the_territory_is_shown(client, jura_story, jura):
    TerritoryContact.objects.create(
        departement=jura,
        organisation="Direction départementale des territoires du Jura (DDT)",
        email="ddt-conseiller-numerique@jura.gouv.fr",
        phone="03 84 86 80 00",
        url="https://www.jura.gouv.fr",
    )

    response = client.get(jura_url())

    page = response.content.decode()
    assert "Direction départementale des territoires du Jura (DDT)" in page
    assert 'href="mailto:ddt-conseiller-numerique@jura.gouv.fr"' in page
    assert 'href="tel:+33-3-84-86-80-00">03 84 86 80 00<' in page
    assert "Modifier le contact" not in page


def test_the_national_team_sees_the_edit_link(client, jura, national):
    client.force_login(national)

    assert "Modifier le contact" in client.get(jura_url()).content.decode()


def test_the_national_team_edits_the_contact(client, jura, national):
    client.force_login(national)
    url = reverse("territories:departement_contact", args=["39"])

    response = client.post(
        url,
        {
            "organisation": "Direction départementale des territoires du Jura (DDT)",
            "email": "ddt@jura.gouv.fr",
            "phone": "03 84 86 80 00",
            "url": "https://www.jura.gouv.fr",
        },
    )

    assert response.status_code == 302
    assert response.url == jura_url()
    contact = TerritoryContact.objects.get(departement=jura)
    assert (contact.email, contact.updated_by) == ("ddt@jura.gouv.fr", national)
    page = client.get(jura_url()).content.decode()
    assert "Direction départementale des territoires du Jura (DDT)" in page


def test_the_national_team_edits_a_region_contact(client, jura, national):
    client.force_login(national)

    response = client.post(
        reverse("territories:region_contact", args=["27"]),
        {"organisation": "Préfecture de la région Bourgogne-Franche-Comté", "email": ""},
    )

    assert response.status_code == 302
    assert TerritoryContact.objects.get(region_id="27").departement is None


def test_an_invalid_contact_is_refused_with_a_message(client, jura, national):
    client.force_login(national)

    response = client.post(
        reverse("territories:departement_contact", args=["39"]),
        {"organisation": "", "email": "pas-une-adresse"},
    )

    assert response.status_code == 200
    assert "Saisissez une adresse e-mail valide" in response.content.decode()
    assert not TerritoryContact.objects.exists()


@pytest.mark.parametrize("persona", ["prefecture", "owner", "outsider"])
def test_only_the_national_team_may_edit_the_contact(client, request, jura, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("territories:departement_contact", args=["39"])

    assert client.get(url).status_code == 403
    assert client.post(url, {"organisation": "Usurpateur"}).status_code == 403
    assert not TerritoryContact.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, jura):
    response = client.get(reverse("territories:departement_contact", args=["39"]))

    assert response.status_code == 302
    assert "/compte/connexion/" in response.url


def test_the_index_lists_territories_with_their_figures(client, jura_story, hautes_alpes_story):
    response = client.get(reverse("territories:index"))

    departements = {d.code: d.figures for d in response.context["departements"]}
    assert (departements["39"].in_post, departements["39"].posts_granted) == (13, 14)
    assert (departements["05"].in_post, departements["05"].posts_granted) == (0, 18)
    regions = {r.code: r.figures for r in response.context["regions"]}
    assert (regions["27"].in_post, regions["93"].posts_granted) == (13, 18)


def test_the_index_searches_by_name_code_or_commune(client, jura_story, hautes_alpes_story):
    by_name = client.get(reverse("territories:index"), {"q": "hautes alpes"})
    by_code = client.get(reverse("territories:index"), {"q": "39"})
    by_commune = client.get(reverse("territories:index"), {"q": "Dole"})

    assert [d.code for d in by_name.context["departements"]] == ["05"]
    assert [d.code for d in by_code.context["departements"]] == ["39"]
    assert [c.name for c in by_commune.context["communes"]] == ["Dole"]
    assert reverse("territories:departement", args=["39"]) in by_commune.content.decode()


def test_every_departement_has_a_locative(territories):
    phrases = {d.code: locative(d) for d in Departement.objects.all()}

    assert len(phrases) == 101
    assert not [p for p in phrases.values() if "département" in p]
    assert (phrases["39"], phrases["05"], phrases["01"], phrases["974"]) == (
        "dans le Jura",
        "dans les Hautes-Alpes",
        "dans l’Ain",
        "à La Réunion",
    )


def _more_data(jura, region_departement):
    for n in range(30):
        structure = factories.StructureFactory(
            validated=True,
            granted_posts=2,
            commune__departement=jura if n % 2 else region_departement,
        )
        recruit(structure, training=TrainingStatus.COMPLETED if n % 3 else None)


@pytest.mark.parametrize(
    "url",
    [
        "/territoires/",
        "/territoires/?q=jura",
        "/territoires/departement/39/",
        "/territoires/region/27/",
        "/statistiques/",
        "/statistiques/?region=27",
        "/statistiques/?departement=39",
    ],
)
def test_pages_run_a_constant_number_of_queries(
    client, jura_story, hautes_alpes_story, django_assert_num_queries, url
):
    client.get(url)  # caches (content types, budget) filled once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    doubs = factories.DepartementFactory(code="25", name="Doubs")
    _more_data(Departement.objects.get(code="39"), doubs)

    with django_assert_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200


def test_unvalidated_structures_count_no_posts(client, jura):
    factories.StructureFactory(
        status=StructureStatus.REFUSED, granted_posts=0, commune__departement=jura
    )

    figures = client.get(jura_url()).context["deployment"]

    assert (figures.posts_granted, figures.validated_structures) == (0, 0)


def test_the_national_team_manages_contacts_in_the_administration(client, jura, national):
    client.force_login(national)

    response = client.post(
        "/gestion/publicpages/territorycontact/add/",
        {"departement": "39", "organisation": "DDT du Jura", "email": "ddt@jura.gouv.fr"},
    )

    assert response.status_code == 302
    contact = TerritoryContact.objects.get(departement=jura)
    assert contact.updated_by == national
    assert "DDT du Jura" in client.get(jura_url()).content.decode()


def test_the_demo_seeds_the_contact_of_the_jura(jura):
    from cnfs.demo.territory_contacts import seed_territory_contacts

    factories.DepartementFactory(code="05", name="Hautes-Alpes")
    seed_territory_contacts({})
    seed_territory_contacts({})

    contact = TerritoryContact.objects.get(departement=jura)
    assert contact.organisation.startswith("Direction départementale des territoires du Jura")
    # The press release's words: "par téléphone au 03.84.86.81.36, à l’adresse mél
    # ddt-scph@jura.gouv.fr".
    assert (contact.phone, contact.email) == ("03 84 86 81 36", "ddt-scph@jura.gouv.fr")
    assert TerritoryContact.objects.count() == 2
    assert TerritoryContact.objects.get(departement_id="05").email == ""


def test_the_demo_replaces_a_placeholder_contact(jura):
    from cnfs.demo.territory_contacts import seed_territory_contacts

    factories.DepartementFactory(code="05", name="Hautes-Alpes")
    TerritoryContact.objects.create(
        departement=jura, organisation="DDT", email="conseiller-numerique-39@exemple.fr"
    )
    seed_territory_contacts({})

    assert TerritoryContact.objects.get(departement=jura).email == "ddt-scph@jura.gouv.fr"
