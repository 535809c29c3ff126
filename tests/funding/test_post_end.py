"""Ending a post's funding early: the unspent part, pro rata, carried or to recover."""

from django.urls import reverse

from cnfs.funding.enums import PostFundingStatus, UnspentOutcome
from cnfs.funding.models import Instalment


def end(client, post, end_date, outcome):
    return client.post(
        reverse("funding:end_post", args=[post.pk]), {"end_date": end_date, "outcome": outcome}
    )


def test_the_page_offers_the_two_outcomes(client, operator, post):
    client.force_login(operator)
    page = client.get(reverse("funding:end_post", args=[post.pk])).content.decode()
    assert "Reporter le reliquat sur le conseiller suivant" in page
    assert "À reverser par la structure" in page


def test_one_year_of_two_leaves_half_the_subsidy_carried(client, operator, post):
    """50,000 € from 2021-01-01, ended 2021-12-31: 365 of 730 days used, 25,000 € unspent."""
    client.force_login(operator)
    response = end(client, post, "2021-12-31", "carry")
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == PostFundingStatus.ENDED_EARLY
    assert post.unspent_cents == 2_500_000
    assert post.unspent_outcome == UnspentOutcome.CARRIED

    page = client.get(response["Location"]).content.decode()
    assert "reliquat de <strong>25\u202f000,00 €</strong>" in page
    assert "reporté sur le conseiller suivant" in page
    assert 'name="end_date"' not in page  # done: no form any more


def test_to_recover_shows_what_the_structure_owes(client, national, post, paid):
    """25,000 € paid; ended 2021-06-30: 181 of 730 days used (12,397.26 €)."""
    client.force_login(national)
    response = end(client, post, "2021-06-30", "recover")
    post.refresh_from_db()
    assert post.unspent_outcome == UnspentOutcome.TO_RECOVER
    assert post.unspent_cents == 3_760_274
    page = client.get(response["Location"]).content.decode()
    assert "reliquat de <strong>37\u202f602,74 €</strong>, à reverser" in page
    assert "Montant à reverser par la structure" in page
    assert "<strong>12\u202f602,74 €</strong>" in page
    # The second instalment (2022-01-01, after the end) is cancelled, the first one stays.
    assert list(Instalment.objects.values_list("cancelled", flat=True)) == [False, True]


def test_an_end_date_outside_the_two_years_is_refused_at_the_field(client, operator, post):
    client.force_login(operator)
    response = end(client, post, "2023-01-01", "carry")
    assert response.status_code == 200
    assert "fin des deux ans" in response.context["form"].errors["end_date"][0]
    post.refresh_from_db()
    assert post.status == PostFundingStatus.RUNNING


def test_the_outcome_is_required(client, operator, post):
    client.force_login(operator)
    response = end(client, post, "2021-12-31", "")
    assert response.context["form"].errors["outcome"]
    post.refresh_from_db()
    assert post.status == PostFundingStatus.RUNNING


def test_a_prefecture_may_not_end_a_post(client, outsider, post):
    client.force_login(outsider)
    assert client.get(reverse("funding:end_post", args=[post.pk])).status_code == 403


def test_unknown_post_is_not_found(client, operator, db):
    client.force_login(operator)
    assert client.get(reverse("funding:end_post", args=[999])).status_code == 404
