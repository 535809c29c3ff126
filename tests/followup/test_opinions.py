import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.structures.enums import Opinion, RequestKind, RequestStatus
from cnfs.structures.models import PostRequest
from tests import factories
from tests.followup.conftest import structure_in

OPINIONS = reverse("followup:opinions")


def form_url(post_request):
    return reverse("followup:give_opinion", args=[post_request.pk])


@pytest.fixture
def application(structure):
    """The Jura structure's application, awaiting an opinion."""
    return factories.PostRequestFactory(structure=structure, posts=2)


@pytest.fixture
def doubs_application(doubs):
    return factories.PostRequestFactory(structure=structure_in(doubs, name="Médiathèque Doubs"))


class TestWorkspace:
    def test_prefecture_sees_its_territory_only(
        self, client, prefect, application, doubs_application
    ):
        client.force_login(prefect)
        response = client.get(OPINIONS)
        assert response.status_code == 200
        page = response.content.decode()
        assert "ECLA" in page and form_url(application) in page
        assert "Médiathèque Doubs" not in page

    def test_prefecture_of_another_departement_does_not_see_it(
        self, client, outsider, application, doubs_application
    ):
        client.force_login(outsider)
        page = client.get(OPINIONS).content.decode()
        assert "Médiathèque Doubs" in page and "ECLA" not in page

    def test_structure_manager_is_forbidden(self, client, owner, application):
        client.force_login(owner)
        assert client.get(OPINIONS).status_code == 403

    def test_national_team_reads_all_without_the_form(
        self, client, national, application, doubs_application
    ):
        client.force_login(national)
        page = client.get(OPINIONS).content.decode()
        assert "ECLA" in page and "Médiathèque Doubs" in page
        assert form_url(application) not in page

    def test_awaiting_by_default_oldest_first_with_counts(self, client, prefect, jura):
        first = factories.PostRequestFactory(structure=structure_in(jura, name="Zèbre ancien"))
        second = factories.PostRequestFactory(structure=structure_in(jura, name="Alpha récent"))
        given = factories.PostRequestFactory(
            structure=structure_in(jura, name="Déjà vue"), opinion=Opinion.FAVOURABLE
        )
        addition = factories.PostRequestFactory(
            structure=structure_in(jura, name="Avenant", validated=True),
            kind=RequestKind.ADDITION,
        )
        factories.PostRequestFactory(
            structure=structure_in(jura, name="Rendu", validated=True),
            kind=RequestKind.GIVEBACK,
        )
        client.force_login(prefect)
        response = client.get(OPINIONS)
        page = response.content.decode()
        assert [r.pk for r in response.context["page_obj"]] == [first.pk, second.pk, addition.pk]
        assert page.index("Zèbre ancien") < page.index("Alpha récent")
        assert "Déjà vue" not in page and "Rendu" not in page
        assert response.context["counts"] == [
            ("Candidatures", 2),
            ("Avenants d’ajout de postes", 1),
        ]
        given_page = client.get(OPINIONS, {"state": "given"})
        assert [r.pk for r in given_page.context["page_obj"]] == [given.pk]

    def test_filter_by_kind_keeps_the_counts(self, client, prefect, jura, application):
        addition = factories.PostRequestFactory(
            structure=structure_in(jura, validated=True), kind=RequestKind.ADDITION
        )
        client.force_login(prefect)
        response = client.get(OPINIONS, {"kind": "addition"})
        assert [r.pk for r in response.context["page_obj"]] == [addition.pk]
        assert response.context["total"] == 2

    def test_filter_by_departement_of_the_region(self, client, jura, doubs, application):
        doubs_request = factories.PostRequestFactory(structure=structure_in(doubs))
        prefect = factories.UserFactory(roles=[(Role.PREFECTURE, {"region": jura.region})])
        client.force_login(prefect)
        both = client.get(OPINIONS).context["page_obj"]
        assert {r.pk for r in both} == {application.pk, doubs_request.pk}
        only = client.get(OPINIONS, {"departement": "25"}).context["page_obj"]
        assert [r.pk for r in only] == [doubs_request.pk]

    def test_departement_outside_scope_is_not_a_choice(
        self, client, prefect, application, doubs_application
    ):
        client.force_login(prefect)
        response = client.get(OPINIONS, {"departement": "25"})
        assert [r.pk for r in response.context["page_obj"]] == [application.pk]

    def test_unconfirmed_application_is_not_listed(self, client, prefect, jura):
        factories.PostRequestFactory(
            structure=structure_in(jura, name="Pas confirmée", email_confirmed_at=None)
        )
        client.force_login(prefect)
        assert "Pas confirmée" not in client.get(OPINIONS).content.decode()

    def test_paginated_by_50(self, client, prefect, jura):
        for _ in range(51):
            factories.PostRequestFactory(structure=structure_in(jura))
        client.force_login(prefect)
        response = client.get(OPINIONS)
        assert len(response.context["page_obj"]) == 50
        assert len(client.get(OPINIONS, {"page": 2}).context["page_obj"]) == 1

    def test_queries_do_not_grow_with_requests(
        self, client, prefect, jura, django_assert_max_num_queries
    ):
        factories.PostRequestFactory(structure=structure_in(jura))
        client.force_login(prefect)
        with CaptureQueriesContext(connection) as few:
            client.get(OPINIONS)
        for _ in range(30):
            factories.PostRequestFactory(structure=structure_in(jura))
            factories.PostRequestFactory(
                structure=structure_in(jura, validated=True), kind=RequestKind.ADDITION
            )
        with django_assert_max_num_queries(len(few)):
            response = client.get(OPINIONS)
        assert len(response.context["page_obj"]) == 50


class TestOpinionForm:
    def test_prefecture_sees_the_request(self, client, prefect, application):
        client.force_login(prefect)
        response = client.get(form_url(application))
        assert response.status_code == 200
        page = response.content.decode()
        assert "ECLA" in page and "Accompagner les habitants" in page
        assert 'type="radio"' in page

    def test_prefecture_gives_a_favourable_opinion(self, client, prefect, application):
        client.force_login(prefect)
        response = client.post(
            form_url(application),
            {"opinion": "favourable", "comment": "Territoire rural.", "suggested_posts": "1"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == OPINIONS
        assert "Votre avis sur la demande de ECLA est enregistré." in response.content.decode()
        application.refresh_from_db()
        assert application.opinion == Opinion.FAVOURABLE
        assert application.opinion_comment == "Territoire rural."
        assert application.opinion_suggested_posts == 1
        assert application.opinion_by == prefect

    def test_unfavourable_without_suggestion(self, client, prefect, application):
        client.force_login(prefect)
        response = client.post(form_url(application), {"opinion": "unfavourable"})
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.opinion == Opinion.UNFAVOURABLE
        assert application.opinion_suggested_posts is None

    def test_prefecture_of_another_departement_gets_not_found(self, client, outsider, application):
        client.force_login(outsider)
        assert client.get(form_url(application)).status_code == 404
        assert client.post(form_url(application), {"opinion": "favourable"}).status_code == 404
        application.refresh_from_db()
        assert application.opinion == ""

    def test_structure_manager_is_forbidden(self, client, owner, application):
        client.force_login(owner)
        assert client.get(form_url(application)).status_code == 403
        assert client.post(form_url(application), {"opinion": "favourable"}).status_code == 403
        application.refresh_from_db()
        assert application.opinion == ""

    def test_national_team_is_forbidden(self, client, national, application):
        client.force_login(national)
        assert client.get(form_url(application)).status_code == 403

    def test_opinion_is_required(self, client, prefect, application):
        client.force_login(prefect)
        response = client.post(form_url(application), {"comment": "Sans avis"})
        assert response.status_code == 200
        assert response.context["form"].errors["opinion"] == [
            "Choisissez un avis favorable ou défavorable."
        ]
        application.refresh_from_db()
        assert application.opinion == ""

    def test_zero_suggested_posts_is_refused(self, client, prefect, application):
        client.force_login(prefect)
        response = client.post(
            form_url(application), {"opinion": "favourable", "suggested_posts": "0"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["suggested_posts"] == ["Suggérez au moins 1 poste."]
        application.refresh_from_db()
        assert application.opinion == ""

    def test_giveback_has_no_opinion_form(self, client, prefect, jura):
        giveback = factories.PostRequestFactory(
            structure=structure_in(jura, validated=True), kind=RequestKind.GIVEBACK
        )
        client.force_login(prefect)
        assert client.get(form_url(giveback)).status_code == 404

    def test_decided_request_shows_no_form_and_refuses_a_post(self, client, prefect, application):
        PostRequest.objects.filter(pk=application.pk).update(status=RequestStatus.DECIDED)
        client.force_login(prefect)
        page = client.get(form_url(application)).content.decode()
        assert "n’est plus en cours d’instruction" in page and 'type="radio"' not in page
        response = client.post(form_url(application), {"opinion": "favourable"})
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [
            "Cette demande n’est plus en cours d’instruction."
        ]
        application.refresh_from_db()
        assert application.opinion == ""
