import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cnfs.committee.enums import Decision, SessionStatus
from cnfs.structures.enums import StructureStatus
from tests import factories

LIST = "/api/v1/structures"


def detail(structure):
    return f"{LIST}/{structure.pk}"


def names(response):
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["items"])


@pytest.fixture
def structures(structure, colleague, doubs_structure):
    """ECLA and the Ligue in the Jura (39), Doubs numérique in the Doubs (25)."""
    return structure


class TestListScope:
    def test_national_team_sees_every_structure(self, client, national, structures):
        client.force_login(national)
        response = client.get(LIST)
        assert names(response) == ["Doubs numérique", "ECLA", "Ligue de l’enseignement"]
        assert response.json()["count"] == 3

    def test_prefecture_sees_only_its_departement(self, client, prefect, structures):
        client.force_login(prefect)
        assert names(client.get(LIST)) == ["ECLA", "Ligue de l’enseignement"]

    def test_structure_manager_sees_only_its_own(self, client, owner, structures):
        client.force_login(owner)
        assert names(client.get(LIST)) == ["ECLA"]

    def test_financial_operator_sees_every_structure(self, client, financial, structures):
        client.force_login(financial)
        assert len(names(client.get(LIST))) == 3

    def test_candidate_is_forbidden(self, client, candidate, structures):
        client.force_login(candidate)
        response = client.get(LIST)
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Votre rôle actif ne donne pas accès à cette ressource."
        }

    def test_anonymous_must_log_in(self, client, structures):
        response = client.get(LIST)
        assert response.status_code == 401
        assert response.json()["detail"].startswith("Authentification requise")


class TestListFilters:
    def test_filter_by_departement(self, client, national, structures):
        client.force_login(national)
        assert names(client.get(LIST, {"departement": "25"})) == ["Doubs numérique"]

    def test_filter_by_status(self, client, national, structures, jura):
        factories.StructureFactory(name="Grand Dole", validated=True, commune__departement=jura)
        client.force_login(national)
        assert names(client.get(LIST, {"status": "validated"})) == ["Grand Dole"]

    def test_departement_outside_the_scope_gives_nothing(self, client, prefect, structures):
        client.force_login(prefect)
        assert names(client.get(LIST, {"departement": "25"})) == []

    def test_unknown_status_is_refused_in_french(self, client, national, structures):
        client.force_login(national)
        response = client.get(LIST, {"status": "lost"})
        assert response.status_code == 422
        assert response.json()["detail"][0]["msg"].startswith("Choisissez une valeur parmi")

    def test_item_fields(self, client, owner, structure):
        client.force_login(owner)
        (item,) = client.get(LIST).json()["items"]
        assert item["id"] == structure.pk
        assert item["siret"] == structure.siret and item["siren"] == structure.siret[:9]
        assert item["status"] == StructureStatus.SUBMITTED
        assert item["status_label"] == "Candidature déposée"
        assert item["departement"] == "39"
        assert item["commune"] == structure.commune_id
        assert item["email_confirmed"] is True


class TestListPagination:
    def test_fifty_per_page(self, client, national, jura):
        factories.StructureFactory.create_batch(55, commune__departement=jura)
        client.force_login(national)
        first = client.get(LIST).json()
        second = client.get(LIST, {"page": 2}).json()
        assert first["count"] == 55
        assert len(first["items"]) == 50 and len(second["items"]) == 5
        assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}

    def test_query_count_does_not_grow_with_structures(
        self, client, national, jura, django_assert_max_num_queries
    ):
        factories.StructureFactory.create_batch(2, commune__departement=jura)
        client.force_login(national)
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        factories.StructureFactory.create_batch(28, commune__departement=jura)
        with django_assert_max_num_queries(len(few)):
            response = client.get(LIST)
        assert response.json()["count"] == 30


class TestDetail:
    def test_owner_reads_its_structure_with_contact(self, client, owner, structure):
        client.force_login(owner)
        response = client.get(detail(structure))
        assert response.status_code == 200
        data = response.json()
        assert data["name"] == "ECLA"
        assert data["departement_name"] == "Jura"
        assert data["contact"]["email"] == structure.contact_email
        assert data["committed_subsidy"] == "0.00"

    def test_colleague_of_the_departement_gets_not_found(self, client, colleague, structure):
        client.force_login(colleague)
        assert client.get(detail(structure)).status_code == 404

    def test_prefecture_of_another_departement_gets_not_found(
        self, client, prefect, doubs_structure
    ):
        client.force_login(prefect)
        response = client.get(detail(doubs_structure))
        assert response.status_code == 404
        assert response.json()["detail"].startswith("Introuvable")

    def test_candidate_is_forbidden(self, client, candidate, structure):
        client.force_login(candidate)
        assert client.get(detail(structure)).status_code == 403

    def test_financial_operator_does_not_get_the_contact(self, client, financial, structure):
        structure.committed_subsidy_cents = 5_000_050
        structure.save()
        client.force_login(financial)
        data = client.get(detail(structure)).json()
        assert data["contact"] is None and data["identified_candidate"] is None
        assert data["committed_subsidy"] == "50000.50"


class TestDecisions:
    @pytest.fixture
    def decided(self, structure):
        """COSELEC 1 (closed) granted 2 posts; COSELEC 2 (open) refused an addition."""
        closed = factories.SessionFactory(number=1, status=SessionStatus.CLOSED)
        opened = factories.SessionFactory(number=2)
        application = factories.PostRequestFactory(structure=structure, status="decided")
        addition = factories.PostRequestFactory(structure=structure, kind="addition", posts=1)
        factories.AgendaItemFactory(
            session=closed,
            request=application,
            decision=Decision.GRANTED,
            posts=2,
            priority=True,
            observation="Territoire rural",
        )
        factories.AgendaItemFactory(session=opened, request=addition, decision=Decision.REFUSED)
        return structure

    def test_owner_reads_the_decisions_on_its_structure(self, client, owner, decided):
        client.force_login(owner)
        response = client.get(f"{detail(decided)}/decisions")
        assert response.status_code == 200
        pending, granted = response.json()["items"]
        assert granted["session_number"] == 1 and granted["session_closed"] is True
        assert granted["decision"] == "granted" and granted["posts"] == 2
        assert granted["priority"] is True and granted["observation"] == "Territoire rural"
        assert granted["request_kind"] == "application"
        assert pending["session_number"] == 2 and pending["session_closed"] is False
        assert pending["decision"] == "refused" and pending["posts"] is None

    def test_outside_the_scope_gets_not_found(self, client, colleague, decided):
        client.force_login(colleague)
        assert client.get(f"{detail(decided)}/decisions").status_code == 404

    def test_wrong_role_is_forbidden(self, client, candidate, decided):
        client.force_login(candidate)
        assert client.get(f"{detail(decided)}/decisions").status_code == 403
