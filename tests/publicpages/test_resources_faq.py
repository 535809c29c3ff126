"""The public resources page (digital-inclusion kits) and the FAQ."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnfs.demo.territory_contacts import DEMO_QUESTIONS, seed_faq_and_resources
from cnfs.publicpages.models import Question, Resource, ResourceTag

pytestmark = pytest.mark.django_db


def kit(title, *, tags=(), audience="structures", published=True, **fields):
    resource = Resource(
        title=title,
        audience=audience,
        published=published,
        url=fields.pop("url", "" if "file" in fields else "https://exemple.fr/kit"),
        **fields,
    )
    resource.save()
    resource.tags.set([ResourceTag.objects.get_or_create(name=name)[0] for name in tags])
    return resource


def titles(response):
    return [r.title for r in response.context["resources"]]


def test_the_page_lists_published_kits_only(client):
    kit("Affiche des trois missions")
    kit("Brouillon", published=False)

    assert titles(client.get(reverse("publicpages:resources"))) == ["Affiche des trois missions"]


def test_a_search_ignores_accents_and_case(client):
    kit("Kit pour les bibliothèques", description="Accueillir un conseiller en médiathèque")
    kit("Affiche")

    response = client.get(reverse("publicpages:resources"), {"q": "MEDIATHEQUE"})

    assert titles(response) == ["Kit pour les bibliothèques"]


def test_a_tag_narrows_the_list(client):
    kit("Kit A", tags=["Recrutement", "Bibliothèques"])
    kit("Kit B", tags=["Affiche"])

    response = client.get(reverse("publicpages:resources"), {"etiquette": "Bibliothèques"})

    assert titles(response) == ["Kit A"]
    assert [t.name for t in response.context["tags"]] == ["Affiche", "Bibliothèques", "Recrutement"]


def test_the_audience_narrows_the_list(client):
    kit("Pour les aidants", audience="aidants")
    kit("Pour les structures")

    response = client.get(reverse("publicpages:resources"), {"public": "aidants"})

    assert titles(response) == ["Pour les aidants"]


def test_the_list_runs_the_same_queries_for_more_kits(client):
    kit("Un", tags=["A"])
    url = reverse("publicpages:resources")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        kit(f"Kit {n}", tags=["A", f"T{n}"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_a_kit_has_a_file_or_a_link_not_both():
    resource = Resource(title="Kit", audience="structures", url="https://exemple.fr/kit")
    resource.file.save("kit.txt", ContentFile(b"contenu"), save=False)
    with pytest.raises(ValidationError) as error:
        resource.full_clean()
    assert "l’un ou l’autre" in error.value.message_dict["url"][0]
    with pytest.raises(ValidationError):
        Resource(title="Kit", audience="structures").full_clean()


def test_a_file_is_downloaded_from_the_site(client):
    resource = Resource(title="Fiche", audience="structures")
    resource.file.save("fiche.txt", ContentFile(b"Les trois missions"), save=False)
    resource.save()

    response = client.get(reverse("publicpages:resource_file", args=[resource.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Les trois missions"
    assert "attachment" in response["Content-Disposition"]


def test_an_unpublished_file_is_not_served(client):
    resource = Resource(title="Brouillon", audience="structures", published=False)
    resource.file.save("brouillon.txt", ContentFile(b"x"), save=False)
    resource.save()

    assert client.get(reverse("publicpages:resource_file", args=[resource.pk])).status_code == 404


def test_the_national_team_adds_a_kit_in_the_administration(client, national):
    client.force_login(national)
    response = client.post(
        "/gestion/publicpages/resource/add/",
        {
            "title": "Kit mairies",
            "audience": "structures",
            "url": "https://exemple.fr/k",
            "published": "on",
            "description": "",
        },
    )
    assert response.status_code == 302
    assert Resource.objects.get().title == "Kit mairies"


def test_the_administration_refuses_a_kit_without_file_nor_link(client, national):
    client.force_login(national)
    response = client.post(
        "/gestion/publicpages/resource/add/",
        {"title": "Kit vide", "audience": "structures", "published": "on", "description": ""},
    )
    assert response.status_code == 200
    assert not Resource.objects.exists()


def test_an_outsider_cannot_use_the_administration(client, outsider):
    client.force_login(outsider)
    response = client.get("/gestion/publicpages/question/add/")
    assert response.status_code == 302


def test_the_faq_groups_questions_and_searches_them(client):
    Question.objects.create(category="Structures", question="Qui finance ?", answer="L’État.")
    Question.objects.create(
        category="Conseillers",
        question="Comment est-il formé ?",
        answer="Trois semaines à trois mois.",
    )
    Question.objects.create(category="Structures", question="Caché", answer="x", published=False)

    page = client.get(reverse("publicpages:faq"))
    assert [c for c, _ in page.context["categories"]] == ["Conseillers", "Structures"]
    assert "Caché" not in page.content.decode()

    found = client.get(reverse("publicpages:faq"), {"q": "formé"})
    assert found.context["count"] == 1


def test_the_demo_seeds_the_faq_and_kits_once():
    seed_faq_and_resources({})
    seed_faq_and_resources({})

    assert Question.objects.count() == len(DEMO_QUESTIONS)
    assert Resource.objects.count() == 3
    assert Question.objects.filter(question__icontains="bibliothèque").exists()


def test_the_footer_and_the_home_page_link_both_pages(client):
    page = client.get(reverse("web:home")).content.decode()
    assert page.count(reverse("publicpages:resources")) >= 2
    assert page.count(reverse("publicpages:faq")) >= 2
