"""The list of instalments due, its filters, totals and CSV export; the amounts to recover."""

from datetime import date, timedelta

from django.urls import reverse

from cnfs.funding import services
from cnfs.funding.models import PostFunding
from tests import factories
from tests.funding.conftest import fund


def csv_lines(response) -> list[str]:
    content = response.getvalue().decode("utf-8")
    assert content.startswith("\ufeff")
    return content.lstrip("\ufeff").split("\r\n")


def listed(client, **params):
    return list(client.get(reverse("funding:index"), params).context["page_obj"])


class TestFilters:
    def test_due_before_defaults_to_thirty_days_ahead(self, client, operator, structure):
        soon = date.today() + timedelta(days=20)
        post = fund(structure, start=services.add_months(soon, -12))
        client.force_login(operator)
        first, second = post.instalments.order_by("due_date")
        assert listed(client) == [first, second]
        later = factories.StructureFactory(
            name="Grand Dole", commune__departement=structure.departement
        )
        fund(later, start=date.today() + timedelta(days=40))
        assert listed(client) == [first, second]
        assert len(listed(client, due_before=(date.today() + timedelta(days=60)).isoformat())) == 3

    def test_late_keeps_only_due_dates_passed(self, client, operator, structure):
        soon = date.today() + timedelta(days=20)
        post = fund(structure, start=services.add_months(soon, -12))
        client.force_login(operator)
        assert listed(client, late="on") == [post.instalments.order_by("due_date").first()]

    def test_by_departement_and_by_structure(self, client, operator, post):
        doubs = factories.DepartementFactory(code="25", name="Doubs")
        other = fund(factories.StructureFactory(name="Besançon", commune__departement=doubs))
        client.force_login(operator)
        assert {i.post for i in listed(client, departement="25")} == {other}
        assert {i.post for i in listed(client, q="ecla")} == {post}
        assert {i.post for i in listed(client, q=post.agreement.structure.siret[:9])} == {post}

    def test_totals(self, client, operator, post, paid):
        client.force_login(operator)
        totals = client.get(reverse("funding:index")).context["totals"]
        assert totals == {
            "due": "25\u202f000,00 €",
            "paid": "25\u202f000,00 €",
            "to_recover": "0,00 €",
        }


class TestInstalmentsCsv:
    def test_export_of_the_filtered_list(self, client, operator, post):
        other = factories.StructureFactory(
            name="Ligue", commune__departement=post.agreement.structure.departement
        )
        fund(other)
        first = post.instalments.order_by("due_date").first()
        services.record_payment(
            first, paid_on=date(2021, 2, 1), amount="10000.01", reference="V1", by=operator
        )
        client.force_login(operator)
        response = client.get(reverse("funding:index"), {"q": "ECLA", "format": "csv"})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        lines = csv_lines(response)
        assert lines[0] == (
            "Convention;Structure;SIRET;Département;Poste;Échéance;Montant (€);"
            "Déjà versé (€);Reste à verser (€);En retard"
        )
        siret = post.agreement.structure.siret
        number = post.agreement.number
        label = f"Poste n° {post.post_id}"
        assert lines[1:] == [
            f"{number};ECLA;{siret};39;{label};01/01/2021;25000,00;10000,01;14999,99;oui",
            f"{number};ECLA;{siret};39;{label};01/01/2022;25000,00;0,00;25000,00;oui",
            "",
        ]

    def test_export_stays_in_the_scope(self, client, outsider, post):
        client.force_login(outsider)
        lines = csv_lines(client.get(reverse("funding:index"), {"format": "csv"}))
        assert lines[1:] == [""]


def recover_one(structure, operator, *, ended_on=date(2021, 6, 30)):
    """A post paid its first half, ended early, unspent to recover."""
    post = fund(structure)
    services.record_payment(
        post.instalments.order_by("due_date").first(),
        paid_on=date(2021, 1, 15),
        amount="25000",
        reference="V",
        by=operator,
    )
    return services.end_post_funding(post, end_date=ended_on, carry=False, by=operator)


class TestRecoveries:
    def test_lists_what_the_structure_owes_as_the_service_computes_it(
        self, client, operator, structure
    ):
        post = recover_one(structure, operator)
        # 181 of 730 days used: 12,397.26 € spent, 25,000 € paid.
        assert services.to_recover_cents(post) == 1_260_274
        client.force_login(operator)
        response = client.get(reverse("funding:recoveries"))
        (row,) = response.context["page_obj"]
        assert row.to_recover == services.to_recover_cents(post)
        assert "12\u202f602,74 €" in response.content.decode()
        assert response.context["total"] == "12\u202f602,74 €"

    def test_carried_unspent_is_not_to_recover(self, client, operator, post, paid):
        services.end_post_funding(post, end_date=date(2021, 6, 30), carry=True, by=operator)
        client.force_login(operator)
        assert not client.get(reverse("funding:recoveries")).context["page_obj"].object_list

    def test_csv(self, client, operator, structure):
        post = recover_one(structure, operator)
        client.force_login(operator)
        lines = csv_lines(client.get(reverse("funding:recoveries"), {"format": "csv"}))
        assert lines[0].endswith("Versé (€);À reverser (€)")
        assert lines[1] == (
            f"{post.agreement.number};ECLA;{structure.siret};39;Poste n° {post.post_id};01/01/2021;"
            "30/06/2021;50000,00;37602,74;25000,00;12602,74"
        )

    def test_prefecture_of_another_departement_sees_nothing(
        self, client, operator, outsider, structure
    ):
        recover_one(structure, operator)
        client.force_login(outsider)
        assert not client.get(reverse("funding:recoveries")).context["page_obj"].object_list


class TestQueryCounts:
    """Constant whatever the number of rows."""

    def make(self, count, operator, departement):
        for _ in range(count):
            recover_one(factories.StructureFactory(commune__departement=departement), operator)

    def test_index(self, client, operator, jura, django_assert_max_num_queries):
        for _ in range(30):
            post = fund(factories.StructureFactory(commune__departement=jura))
            services.record_payment(
                post.instalments.first(),
                paid_on=date(2021, 2, 1),
                amount="1000",
                reference="V",
                by=operator,
            )
        self.make(3, operator, jura)  # something to recover in the totals
        client.force_login(operator)
        with django_assert_max_num_queries(9):
            response = client.get(reverse("funding:index"))
        assert response.context["page_obj"].paginator.count == 60
        assert len(response.context["page_obj"]) == 50
        with django_assert_max_num_queries(4):
            client.get(reverse("funding:index"), {"format": "csv"})

    def test_recoveries(self, client, operator, jura, django_assert_max_num_queries):
        self.make(30, operator, jura)
        client.force_login(operator)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("funding:recoveries"))
        assert response.context["page_obj"].paginator.count == 30
        with django_assert_max_num_queries(4):
            client.get(reverse("funding:recoveries"), {"format": "csv"})

    def test_agreement_page_does_not_grow_with_payments(
        self, client, operator, structure, django_assert_max_num_queries
    ):
        post = fund(structure, posts=3)
        for _ in range(2):
            fund(structure, start=date(2021, 3, 1))
        for instalment in [i for p in PostFunding.objects.all() for i in p.instalments.all()]:
            for n in range(3):
                services.record_payment(
                    instalment,
                    paid_on=date(2022, 2, 1),
                    amount="100",
                    reference=f"V{n}",
                    by=operator,
                )
        client.force_login(operator)
        with django_assert_max_num_queries(9):
            response = client.get(reverse("funding:agreement", args=[post.agreement_id]))
        assert response.status_code == 200
