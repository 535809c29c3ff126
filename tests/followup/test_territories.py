import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnfs.common.money import NARROW_NO_BREAK_SPACE as NNBSP
from cnfs.funding import services as funding
from cnfs.structures.enums import StructureStatus
from tests import factories
from tests.followup.conftest import structure_in

INDEX = reverse("followup:index")
POST_CENTS = 5_000_000  # 50,000 € for a public employer in mainland France


def granted(departement, posts, **kwargs):
    return structure_in(
        departement,
        status=StructureStatus.VALIDATED,
        granted_posts=posts,
        committed_subsidy_cents=posts * POST_CENTS,
        **kwargs,
    )


@pytest.fixture
def figures_fixture(jura, doubs, financial):
    """In the Jura: 2 structures granted 4 and 1 posts (250,000 €), one application under
    review, one refused, and a first payment of 10,000 €; in the Doubs: 2 posts."""
    grand_dole = granted(jura, 4, name="CC du Grand Dole")
    granted(jura, 1, name="Commune de Dole")
    structure_in(jura, name="Association en instruction")
    structure_in(jura, name="Refusée", status=StructureStatus.REFUSED)
    granted(doubs, 2, name="Médiathèque de Besançon")
    post = funding.start_post_funding(
        factories.validated_contract(grand_dole, start=date(2021, 5, 3))
    )
    funding.record_payment(
        post.instalments.first(),
        paid_on=date(2021, 6, 1),
        amount="10000",
        reference="BDT-0001",
        by=financial,
    )
    return grand_dole


def euros(text):
    """``"250 000,00 €"`` as money.euros writes it (narrow no-break space in thousands)."""
    amount, _, symbol = text.rpartition(" ")
    return f"{amount.replace(' ', NNBSP)} {symbol}"


class TestIndex:
    def test_national_team_sees_exact_figures(self, client, national, figures_fixture):
        client.force_login(national)
        response = client.get(INDEX)
        assert response.status_code == 200
        rows = {row["code"]: row for row in response.context["departement_rows"]}
        jura = rows["39"]
        assert jura["applications"] == 4
        assert jura["groups"] == [1, 2, 1, 0]
        assert jura["structures"] == 2 and jura["posts"] == 5
        assert jura["committed"] == euros("250 000,00 €")
        assert jura["paid"] == euros("10 000,00 €")
        assert rows["25"]["posts"] == 2
        total = response.context["total_row"]
        assert total["posts"] == 7 and total["committed"] == euros("350 000,00 €")
        (region,) = response.context["region_rows"]
        assert region["posts"] == 7
        progress = response.context["progress"]
        assert progress["posts_granted"] == 7 and progress["posts_cap"] == 4000
        assert progress["committed_percent"] == 0.1
        page = response.content.decode()
        assert euros("250 000,00 €") in page and "sur 4000 postes" in page

    def test_prefecture_sees_its_departement_only(self, client, prefect, figures_fixture):
        client.force_login(prefect)
        response = client.get(INDEX)
        assert [row["code"] for row in response.context["departement_rows"]] == ["39"]
        assert response.context["total_row"]["posts"] == 5
        assert "Doubs" not in response.content.decode()

    def test_financial_operator_sees_everything(self, client, financial, figures_fixture):
        client.force_login(financial)
        response = client.get(INDEX)
        assert response.context["total_row"]["posts"] == 7

    def test_structure_manager_is_forbidden(self, client, owner):
        client.force_login(owner)
        assert client.get(INDEX).status_code == 403

    def test_csv_export(self, client, prefect, figures_fixture):
        client.force_login(prefect)
        response = client.get(INDEX, {"format": "csv"})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        content = response.getvalue().decode("utf-8")
        assert content.startswith("\ufeff")
        lines = list(csv.reader(io.StringIO(content[1:]), delimiter=";"))
        header, *rows = lines
        assert header[:4] == ["Niveau", "Code", "Nom", "Région"]
        assert header[-5:] == [
            "Candidatures",
            "Structures avec postes",
            "Postes attribués",
            "Subventions engagées (€)",
            "Subventions versées (€)",
        ]
        jura = dict(zip(header, rows[0], strict=True))
        assert jura["Niveau"] == "Département" and jura["Code"] == "39"
        assert jura["Région"] == "Bourgogne-Franche-Comté"
        assert jura["Candidature déposée"] == "1" and jura["Validée"] == "2"
        assert jura["Refusée"] == "1" and jura["Candidatures"] == "4"
        assert jura["Postes attribués"] == "5"
        assert jura["Subventions engagées (€)"] == "250000,00"
        assert jura["Subventions versées (€)"] == "10000,00"
        assert [row[0] for row in rows] == ["Département", "Région", "Total"]
        assert rows[-1][-3:] == ["5", "250000,00", "10000,00"]
        assert "Doubs" not in content

    def test_queries_do_not_grow_with_structures(
        self, client, national, jura, doubs, django_assert_max_num_queries
    ):
        client.force_login(national)
        granted(jura, 1)
        with CaptureQueriesContext(connection) as few:
            client.get(INDEX)
        for _ in range(30):
            granted(jura, 1)
            granted(doubs, 2)
        with django_assert_max_num_queries(len(few)):
            assert client.get(INDEX).status_code == 200
        with django_assert_max_num_queries(len(few)):
            assert client.get(INDEX, {"format": "csv"}).status_code == 200


class TestDepartementPage:
    def url(self, code="39"):
        return reverse("followup:departement", args=[code])

    def test_prefecture_sees_its_structures_and_figures(self, client, prefect, figures_fixture):
        client.force_login(prefect)
        response = client.get(self.url())
        assert response.status_code == 200
        assert response.context["row"]["posts"] == 5
        names = [s.name for s in response.context["page_obj"]]
        assert names[:2] == ["CC du Grand Dole", "Commune de Dole"]
        assert len(names) == 4
        grand_dole = response.context["page_obj"][0]
        assert grand_dole.paid_display == euros("10 000,00 €")
        assert grand_dole.committed_display == euros("200 000,00 €")
        assert "Médiathèque de Besançon" not in response.content.decode()

    def test_prefecture_of_another_departement_gets_not_found(
        self, client, outsider, figures_fixture
    ):
        client.force_login(outsider)
        assert client.get(self.url("39")).status_code == 404
        assert client.get(self.url("25")).status_code == 200

    def test_structure_manager_is_forbidden(self, client, owner):
        client.force_login(owner)
        assert client.get(self.url()).status_code == 403

    def test_unknown_departement_is_not_found(self, client, national, jura):
        client.force_login(national)
        assert client.get(self.url("99")).status_code == 404

    def test_queries_do_not_grow_with_structures(
        self, client, national, jura, django_assert_max_num_queries
    ):
        client.force_login(national)
        granted(jura, 1)
        with CaptureQueriesContext(connection) as few:
            client.get(self.url())
        for _ in range(30):
            granted(jura, 1)
        with django_assert_max_num_queries(len(few)):
            response = client.get(self.url())
        assert len(response.context["page_obj"]) == 31
