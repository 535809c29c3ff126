"""Writing to the audit journal. Call from services, inside their transaction."""

from django.contrib.contenttypes.models import ContentType

from cnfs.common.models import AuditEntry


def record(action: str, *, by=None, obj=None, summary: str = "", changes: dict | None = None):
    """Append one entry to the audit journal and return it."""
    entry = AuditEntry(
        action=action,
        actor=by if by is not None and getattr(by, "is_authenticated", False) else None,
        summary=summary,
        changes=changes or {},
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        # An object may name itself otherwise in the journal (no personal data kept there).
        entry.object_repr = str(getattr(obj, "audit_label", obj))[:255]
    entry.save()
    return entry


def history(obj):
    """The journal of one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
