"""Who may see and do what in the funding workspace: three sides for each page."""

import pytest
from django.urls import reverse

from cnfs.accounts.enums import Role
from tests import factories


def agreement_url(post):
    return reverse("funding:agreement", args=[post.agreement_id])


class TestAgreementPage:
    def test_operator_sees_the_agreement_with_its_posts(self, client, operator, post):
        client.force_login(operator)
        response = client.get(agreement_url(post))
        page = response.content.decode()
        assert response.status_code == 200
        assert post.agreement.number in page
        assert f"Poste n° {post.post_id}" in page
        assert "50\u202f000,00 €" in page  # committed and post amount
        assert reverse("funding:pay", args=[post.instalments.first().pk]) in page

    def test_prefecture_of_another_departement_gets_not_found(self, client, outsider, post):
        client.force_login(outsider)
        assert client.get(agreement_url(post)).status_code == 404

    def test_prefecture_of_the_departement_reads_without_actions(
        self, client, jura_prefecture, post
    ):
        client.force_login(jura_prefecture)
        response = client.get(agreement_url(post))
        assert response.status_code == 200
        assert "Enregistrer un versement" not in response.content.decode()

    def test_structure_manager_reads_its_own_agreement(self, client, owner, post):
        client.force_login(owner)
        assert client.get(agreement_url(post)).status_code == 200

    def test_manager_of_another_structure_gets_not_found(self, client, colleague, post):
        client.force_login(colleague)
        assert client.get(agreement_url(post)).status_code == 404

    def test_advisor_is_forbidden(self, client, advisor, post):
        client.force_login(advisor)
        assert client.get(agreement_url(post)).status_code == 403


class TestIndex:
    def test_operator_sees_instalments_due(self, client, operator, post):
        client.force_login(operator)
        response = client.get(reverse("funding:index"))
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == 2
        assert "ECLA" in response.content.decode()

    def test_prefecture_of_another_departement_sees_nothing_of_the_jura(
        self, client, outsider, post
    ):
        client.force_login(outsider)
        response = client.get(reverse("funding:index"))
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == 0
        assert "ECLA" not in response.content.decode()

    @pytest.mark.parametrize("role", [Role.ADVISOR, Role.CANDIDATE])
    def test_candidates_and_advisors_are_forbidden(self, client, post, role):
        client.force_login(factories.UserFactory(roles=[(role, {})]))
        assert client.get(reverse("funding:index")).status_code == 403
        assert client.get(reverse("funding:recoveries")).status_code == 403

    def test_anonymous_is_sent_to_login(self, client, post):
        response = client.get(reverse("funding:index"))
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


class TestWritesAreForOperators:
    """Only the financial operator and the national team record money and end posts."""

    @pytest.mark.parametrize("user", ["jura_prefecture", "owner", "advisor"])
    def test_other_roles_are_forbidden(self, client, request, post, paid, user):
        client.force_login(request.getfixturevalue(user))
        instalment = post.instalments.last()
        for url in (
            reverse("funding:pay", args=[instalment.pk]),
            reverse("funding:counter_entry", args=[paid.pk]),
            reverse("funding:end_post", args=[post.pk]),
        ):
            assert client.get(url).status_code == 403
            assert client.post(url, {}).status_code == 403

    def test_national_team_may_record_a_payment(self, client, national, post):
        client.force_login(national)
        instalment = post.instalments.last()
        assert client.get(reverse("funding:pay", args=[instalment.pk])).status_code == 200


class TestAdministration:
    def test_rates_are_editable(self, client, national):
        from cnfs.funding.models import SubsidyRate

        client.force_login(national)
        rate = SubsidyRate.objects.first()
        url = reverse("admin:funding_subsidyrate_change", args=[rate.pk])
        assert 'name="amount_cents"' in client.get(url).content.decode()

    def test_payments_are_read_only_and_never_deleted(self, client, national, paid):
        client.force_login(national)
        change = client.get(reverse("admin:funding_payment_change", args=[paid.pk]))
        assert change.status_code == 200
        assert 'name="amount_cents"' not in change.content.decode()
        delete = reverse("admin:funding_payment_delete", args=[paid.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert type(paid).objects.filter(pk=paid.pk).exists()
