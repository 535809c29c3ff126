import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date

from cnfs.opendata import datasets
from tests.places.conftest import make_advisor, make_place

pytestmark = pytest.mark.django_db
SLUGS = [dataset.slug for dataset in datasets.DATASETS]


def test_urls_are_the_published_file_names():
    assert [reverse(f"opendata:{slug}") for slug in SLUGS] == [
        "/donnees/lieux-mediation-numerique.csv",
        "/donnees/data-inclusion/structures.json",
        "/donnees/data-inclusion/services.json",
        "/donnees/postes-par-departement.csv",
        "/donnees/structures.csv",
    ]


@pytest.mark.parametrize("slug", SLUGS)
def test_each_file_is_public_with_its_dates(client, places, slug):
    response = client.get(reverse(f"opendata:{slug}"))
    assert response.status_code == 200
    assert response.content
    generated = datasets.cached(datasets.BY_SLUG[slug]).generated_at
    assert parse_http_date(response["Last-Modified"]) == int(generated.timestamp())
    assert response["ETag"].startswith('"')
    expected = "application/json" if slug.startswith("data-inclusion") else "text/csv"
    assert response["Content-Type"].startswith(expected)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_second_download_comes_from_the_cache(client, places, slug, django_assert_num_queries):
    url = reverse(f"opendata:{slug}")
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content
    assert second["Last-Modified"] == first["Last-Modified"]


def test_a_new_place_shows_once_the_cache_expires(client, places):
    url = reverse("opendata:lieux")
    client.get(url)
    employer = places["full"].structure
    make_place(employer, make_advisor(employer), name="Nouveau lieu")
    assert "Nouveau lieu" not in client.get(url).content.decode()
    datasets.cache.delete(datasets.BY_SLUG["lieux"].cache_key)  # what the timeout does
    assert "Nouveau lieu" in client.get(url).content.decode()


def test_files_are_cached_for_an_hour(places, monkeypatch):
    calls = []
    monkeypatch.setattr(datasets.cache, "set", lambda *args: calls.append(args))
    datasets.get(datasets.BY_SLUG["structures"])
    ((key, _entry, timeout),) = calls
    assert (key, timeout) == ("opendata:v1:structures", 3600)


def test_an_unchanged_file_answers_304(client, places):
    url = reverse("opendata:lieux")
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"autre"'}).status_code == 200


@pytest.mark.parametrize("slug", SLUGS)
def test_building_a_file_takes_constant_queries(
    client, places, slug, django_assert_max_num_queries
):
    url = reverse(f"opendata:{slug}")
    with django_assert_max_num_queries(6):
        client.get(url)
    employer = places["full"].structure
    for number in range(5):
        make_place(employer, make_advisor(employer), name=f"Lieu {number}", services=["x"])
    datasets.cache.clear()
    with django_assert_max_num_queries(6):
        client.get(url)


def test_the_page_lists_each_file_with_its_licence(client, places, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        response = client.get(reverse("opendata:index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Licence Ouverte 2.0") >= 6
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in page
    for dataset in datasets.DATASETS:
        assert reverse(f"opendata:{dataset.slug}") in page
        assert dataset.schema.title in page
    assert page.count("produit à votre téléchargement") == 5
    assert "séparateur virgule" in page and "sans BOM" in page


def test_the_page_shows_the_date_and_size_of_cached_files(client, places):
    client.get(reverse("opendata:structures"))
    entry = datasets.cached(datasets.BY_SLUG["structures"])
    page = client.get(reverse("opendata:index")).content.decode()
    assert page.count("produit à votre téléchargement") == 4
    shown = timezone.localtime(entry.generated_at)
    assert f'datetime="{shown.isoformat()}"' in page
    assert shown.strftime("%d/%m/%Y à %H:%M") in page
    assert "octets" in page or "Ko" in page
