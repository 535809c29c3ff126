"""Which database a read goes to when a replica is configured (cnfs.common.dbrouter).

The suite has no replica: these tests call the router and the middleware directly; the
real replica is exercised by scripts/ci/replica_check.py."""

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from cnfs.common import dbrouter
from cnfs.common.dbrouter import WROTE_COOKIE, ReplicaReadsMiddleware, ReplicaRouter
from cnfs.structures.models import Structure

router = ReplicaRouter()


@pytest.fixture
def replica(settings, monkeypatch):
    # The middleware only asks whether the alias is configured: no connection is made.
    monkeypatch.setitem(settings.DATABASES, "replica", settings.DATABASES["default"])
    settings.DATABASE_REPLICA_PATHS = ["/territoires/", "/api/v1/partners/"]
    settings.DATABASE_REPLICA_STICKY_SECONDS = 10


def _route(request, model=Structure):
    """The database a read of ``model`` goes to while the middleware handles ``request``."""
    seen = {}

    def view(request):
        seen["db"] = router.db_for_read(model)
        return HttpResponse()

    response = ReplicaReadsMiddleware(view)(request)
    return seen["db"], response


def test_public_page_reads_the_replica(replica):
    assert _route(RequestFactory().get("/territoires/region/27/"))[0] == "replica"


def test_partners_api_reads_the_replica(replica):
    assert _route(RequestFactory().get("/api/v1/partners/places"))[0] == "replica"


def test_other_pages_read_the_primary(replica):
    assert _route(RequestFactory().get("/structures/candidater/"))[0] == "default"


def test_a_post_reads_the_primary_and_marks_the_writer(replica):
    db, response = _route(RequestFactory().post("/territoires/"))
    assert db == "default"
    assert response.cookies[WROTE_COOKIE]["max-age"] == 10


def test_the_next_request_after_a_write_reads_the_primary(replica):
    _, response = _route(RequestFactory().post("/territoires/"))
    request = RequestFactory().get("/territoires/")
    request.COOKIES[WROTE_COOKIE] = response.cookies[WROTE_COOKIE].value
    assert _route(request)[0] == "default"


def test_who_just_wrote_reads_the_primary(replica):
    request = RequestFactory().get("/territoires/")
    request.COOKIES[WROTE_COOKIE] = str(dbrouter.time.time() - 3)
    assert _route(request)[0] == "default"


def test_after_the_delay_the_writer_reads_the_replica_again(replica):
    request = RequestFactory().get("/territoires/")
    request.COOKIES[WROTE_COOKIE] = str(dbrouter.time.time() - 11)
    assert _route(request)[0] == "replica"


@pytest.mark.parametrize("model", [DBTaskResult, Session])
def test_task_queue_and_sessions_stay_on_the_primary(replica, model):
    assert _route(RequestFactory().get("/territoires/"), model=model)[0] == "default"


def test_the_cache_table_stays_on_the_primary(replica):
    from django.core.cache.backends.db import DatabaseCache

    cache = DatabaseCache("cnfs_cache", {})
    assert _route(RequestFactory().get("/territoires/"), model=cache.cache_model_class)[0] == (
        "default"
    )


def test_reads_inside_a_primary_transaction_stay_there(replica, db):
    seen = {}

    def view(request):
        with transaction.atomic():
            seen["db"] = router.db_for_read(Structure)
        return HttpResponse()

    ReplicaReadsMiddleware(view)(RequestFactory().get("/territoires/"))
    assert seen["db"] == "default"


def test_writes_always_go_to_the_primary(replica):
    assert router.db_for_write(Structure) == "default"


def test_without_replica_everything_is_on_the_primary(settings):
    settings.DATABASE_REPLICA_PATHS = ["/territoires/"]
    db, response = _route(RequestFactory().post("/territoires/"))
    assert db == "default" and WROTE_COOKIE not in response.cookies
    assert _route(RequestFactory().get("/territoires/"))[0] == "default"


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "structures") is True
    assert router.allow_migrate("replica", "structures") is False
