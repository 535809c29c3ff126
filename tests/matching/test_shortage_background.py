"""Where posts lack candidates: a national computation the pages never run. The changes it
depends on mark it out of date; a worker (database task backend) or the periodic command
computes it again; the page reads the stored figures and says when they were computed."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks import task_backends

from cnfs.candidates import services as candidates
from cnfs.matching import shortage, tasks
from cnfs.matching.models import BackgroundResult
from tests import factories


@pytest.fixture
def jura(db):
    lons = factories.CommuneFactory(
        insee="39300",
        latitude=46.6744,
        longitude=5.5547,
        departement=factories.DepartementFactory(code="39", name="Jura"),
    )
    factories.StructureFactory(validated=True, granted_posts=2, commune=lons)
    return lons


def refresh_command() -> str:
    out = io.StringIO()
    call_command("refresh_shortage", stdout=out)
    return out.getvalue()


def test_the_page_never_computes(client, national, jura, monkeypatch):
    def national_computation(*args, **kwargs):
        raise AssertionError("computed during a request")

    monkeypatch.setattr(shortage, "compute_national_shortage", national_computation)
    client.force_login(national)
    response = client.get(reverse("contracts:shortage"))
    assert response.status_code == 200
    assert "Pas encore calculé" in response.content.decode()


def test_a_change_marks_the_figures_and_the_command_computes_them_again(
    client, national, jura, django_capture_on_commit_callbacks
):
    assert "recalculés" in refresh_command()
    assert "à jour" in refresh_command()  # nothing changed: nothing computed
    candidate = factories.CandidateFactory(commune=jura, max_distance_km=20, available=False)
    with django_capture_on_commit_callbacks(execute=True):
        candidates.update_profile(candidate, by=None, available=True)
    assert BackgroundResult.objects.get().dirty_since is not None
    client.force_login(national)
    page = client.get(reverse("contracts:shortage")).content.decode()
    assert "un nouveau calcul est en cours" in page
    assert "0 candidats à portée" in page  # the stored figures, not a computation
    assert "recalculés" in refresh_command()
    page = client.get(reverse("contracts:shortage")).content.decode()
    assert "Calculé le" in page and "1 candidat à portée" in page
    assert "un nouveau calcul est en cours" not in page


def test_a_worker_computes_them_when_tasks_run_in_the_background(
    jura, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    shortage.refresh(force=True)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.shortage_changed()
        tasks.shortage_changed()  # already out of date: one computation is enough
    enqueued = task_backends["default"].results
    assert [r.task.name for r in enqueued] == ["refresh_shortage_task"]


def test_with_the_immediate_backend_nothing_is_computed_inline(
    jura, django_capture_on_commit_callbacks, monkeypatch
):
    def national_computation(*args, **kwargs):
        raise AssertionError("computed inline")

    shortage.refresh(force=True)
    monkeypatch.setattr(shortage, "compute_national_shortage", national_computation)
    candidate = factories.CandidateFactory(commune=jura, available=False)
    with django_capture_on_commit_callbacks(execute=True):
        candidates.update_profile(candidate, by=None, available=True)
    assert shortage.national_shortage().pending
