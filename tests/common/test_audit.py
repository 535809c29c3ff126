import pytest
from django.db import DatabaseError, connection, transaction

from cnfs.common import audit
from cnfs.common.models import AppendOnlyError, AuditEntry
from tests.conftest import postgres_only


@pytest.fixture
def entry(structure, national):
    return audit.record("structure.note", by=national, obj=structure, summary="Une note")


def test_record_says_who_did_what_on_which_object(entry, structure, national):
    assert entry.actor == national
    assert entry.object_id == str(structure.pk)
    assert list(audit.history(structure)) == [entry]


def test_orm_refuses_to_change_an_entry(entry):
    entry.summary = "Réécrit"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="Réécrit")


def test_orm_refuses_to_delete_an_entry(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_database_refuses_a_raw_update(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE common_auditentry SET summary = 'x' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).summary == "Une note"


@postgres_only  # SQLite keeps DELETE for its test flushes
def test_postgresql_refuses_a_raw_delete(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM common_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
