import dataclasses
from io import StringIO

import pytest
from django.core.management import call_command
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
    assert b"".join(response.streaming_content)
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
    assert b"".join(second.streaming_content) == b"".join(first.streaming_content)
    assert second["Last-Modified"] == first["Last-Modified"]


def _download(client, url) -> str:
    return b"".join(client.get(url).streaming_content).decode()


@pytest.mark.parametrize("slug", ["lieux", "data-inclusion-structures", "data-inclusion-services"])
def test_a_new_place_shows_in_the_place_files_once_committed(
    client, places, slug, django_capture_on_commit_callbacks
):
    url = reverse(f"opendata:{slug}")
    _download(client, url)
    employer = places["full"].structure
    with django_capture_on_commit_callbacks() as pending:
        place = make_place(employer, make_advisor(employer), name="Nouveau lieu")
    assert f"lieu-{place.pk}" not in _download(client, url)  # not committed yet
    for callback in pending:
        callback()
    assert f"lieu-{place.pk}" in _download(client, url)


def test_other_files_are_kept_for_an_hour(client, places, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    structures = datasets.BY_SLUG["structures"]
    first = datasets.get(structures)
    time_machine.shift(3599)
    assert datasets.get(structures) == first
    time_machine.shift(2)
    second = datasets.get(structures)
    assert second.generated_at > first.generated_at
    assert not first.file.exists() or first.file == second.file  # the older copy is gone
    assert second.file.exists()


def test_files_are_served_in_chunks_from_the_disk(client, places, settings):
    response = client.get(reverse("opendata:lieux"))
    assert response.streaming
    entry = datasets.cached(datasets.BY_SLUG["lieux"])
    assert entry.file.parent == settings.OPENDATA_DIR
    assert b"".join(response.streaming_content) == entry.file.read_bytes()
    assert int(response["Content-Length"]) == entry.size


def test_a_failed_build_leaves_the_previous_copy(places, settings):
    lieux = datasets.BY_SLUG["lieux"]
    first = datasets.build(lieux)

    def broken():
        yield b"id,nom\r\n"
        raise RuntimeError("base indisponible")

    failing = dataclasses.replace(lieux, build=broken)
    with pytest.raises(RuntimeError):
        datasets.build(failing)
    assert datasets.cached(lieux) == first
    assert first.file.read_bytes().startswith(b"id,")
    assert [p.name for p in settings.OPENDATA_DIR.iterdir() if p.name.startswith(".")] == []


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
        place = make_place(employer, make_advisor(employer), name=f"Lieu {number}")
    with django_assert_max_num_queries(6):
        entry = datasets.build(datasets.BY_SLUG[slug])
    if datasets.BY_SLUG[slug].topic:
        assert f"lieu-{place.pk}" in entry.content.decode()


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


def test_the_periodic_command_builds_only_the_ended_copies(places, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    out = StringIO()
    call_command("build_open_data", stdout=out)
    assert out.getvalue().count(": produit") == len(datasets.DATASETS)
    first = {d.slug: datasets.cached(d) for d in datasets.DATASETS}

    out = StringIO()
    call_command("build_open_data", stdout=out)
    assert out.getvalue().count(": à jour") == len(datasets.DATASETS)
    assert {d.slug: datasets.cached(d) for d in datasets.DATASETS} == first

    time_machine.shift(3601)
    out = StringIO()
    call_command("build_open_data", stdout=out)
    assert out.getvalue().count(": produit") == len(datasets.DATASETS)

    out = StringIO()
    call_command("build_open_data", "--force", stdout=out)
    assert out.getvalue().count(": produit") == len(datasets.DATASETS)
