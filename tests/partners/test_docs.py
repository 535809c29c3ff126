import pytest

from tests.browser_support import axe_violations

URL = "/partenaires/api/"


def test_the_documentation_page_explains_keys_scopes_and_limits(
    client, settings, db, django_assert_max_num_queries
):
    settings.PARTNERS_API_RATE_LIMITS = {"key": (600, 60), "anonymous": (60, 60)}
    with django_assert_max_num_queries(2):
        response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>API pour les partenaires</h1>" in page
    assert "X-Api-Key" in page and "structures:read" in page
    assert 'href="/api/v1/openapi.json"' in page and 'href="/api/v1/docs"' in page
    assert 'curl -H "X-Api-Key: VOTRE_CLE"' in page
    assert "http://testserver/api/v1/partners/places" in page
    assert "<td>600</td>" in page and "<td>60</td>" in page
    assert 'aria-current="page">API pour les partenaires' in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_documentation_page_is_accessible(live_server, page):
    page.goto(f"{live_server.url}{URL}")
    assert page.get_by_role("heading", level=1).inner_text() == "API pour les partenaires"
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
