import pytest

from tests import factories

URL = "/api/v1/territories/figures"


@pytest.fixture
def figures_data(jura, doubs):
    """Jura: 2 validated structures (3 posts, 150,000.50 €) and an application; Doubs: 1."""
    factories.StructureFactory(
        validated=True,
        granted_posts=2,
        committed_subsidy_cents=10_000_000,
        commune__departement=jura,
    )
    factories.StructureFactory(
        validated=True,
        granted_posts=1,
        committed_subsidy_cents=5_000_050,
        commune__departement=jura,
    )
    factories.StructureFactory(commune__departement=jura)
    factories.StructureFactory(
        validated=True,
        granted_posts=4,
        committed_subsidy_cents=20_000_000,
        commune__departement=doubs,
    )


def rows(response):
    assert response.status_code == 200, response.content
    return {row["code"]: row for row in response.json()["departements"]}


def test_national_team_gets_every_departement(client, national, figures_data):
    client.force_login(national)
    response = client.get(URL)
    by_code = rows(response)

    assert set(by_code) == {"25", "39"}
    assert by_code["39"]["posts_granted"] == 3
    assert by_code["39"]["structures"] == 2
    assert by_code["39"]["applications"] == {"validated": 2, "submitted": 1}
    assert by_code["39"]["applications_total"] == 3
    assert by_code["39"]["committed"] == "150000.50"
    assert by_code["39"]["paid"] == "0.00"
    total = response.json()["total"]
    assert (total["posts_granted"], total["committed"]) == (7, "350000.50")


def test_national_progress_against_the_cap_and_envelope(client, national, figures_data):
    client.force_login(national)
    national_progress = client.get(URL).json()["national"]
    assert national_progress["posts_granted"] == 7
    assert national_progress["posts_cap"] == 4000
    assert national_progress["envelope"] == "250000000.00"
    assert national_progress["committed"] == "350000.50"
    assert national_progress["validated_structures"] == 3


def test_financial_operator_gets_every_departement(client, financial, figures_data):
    client.force_login(financial)
    assert set(rows(client.get(URL))) == {"25", "39"}


def test_prefecture_gets_only_its_departement(client, prefect, figures_data):
    client.force_login(prefect)
    response = client.get(URL)
    by_code = rows(response)
    assert set(by_code) == {"39"}
    assert response.json()["total"]["posts_granted"] == 3


def test_prefecture_of_a_region_gets_its_departements(client, jura, figures_data):
    from cnfs.accounts.enums import Role

    regional = factories.UserFactory(roles=[(Role.PREFECTURE, {"region": jura.region})])
    client.force_login(regional)
    assert set(rows(client.get(URL))) == {"25", "39"}


def test_structure_manager_is_forbidden(client, owner, figures_data):
    client.force_login(owner)
    assert client.get(URL).status_code == 403


def test_candidate_is_forbidden(client, candidate, figures_data):
    client.force_login(candidate)
    assert client.get(URL).status_code == 403


def test_anonymous_must_log_in(client, figures_data):
    assert client.get(URL).status_code == 401
