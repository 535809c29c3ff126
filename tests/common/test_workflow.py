import pytest

from cnfs.common.models import AuditEntry, TransitionLog
from cnfs.common.workflow import Transition, TransitionNotAllowed, Workflow
from cnfs.structures.models import Structure

# A workflow over a plain CharField of a test-only status, declared the way every app does.
WORKFLOW = Workflow(
    Transition("validate", {"submitted"}, "validated", "Valider"),
    Transition("refuse", {"submitted"}, "refused", "Refuser", requires_reason=True),
    Transition("mark_duplicate", {"*"}, "duplicate", "Marquer comme doublon"),
    state_field="name",
)


@pytest.fixture
def item(structure):
    Structure.objects.filter(pk=structure.pk).update(name="submitted")
    structure.refresh_from_db()
    return structure


def test_apply_moves_the_object_and_logs_who_when_from_to_and_why(item, national):
    log = WORKFLOW.apply(item, "validate", by=national, reason="Dossier complet")
    item.refresh_from_db()
    assert item.name == "validated"
    assert (log.from_state, log.to_state, log.by, log.reason) == (
        "submitted",
        "validated",
        national,
        "Dossier complet",
    )
    assert list(WORKFLOW.log_of(item)) == [log]
    assert AuditEntry.objects.filter(action="structure.validate", object_id=str(item.pk)).exists()


def test_a_transition_not_declared_from_the_current_status_is_refused(item, national):
    WORKFLOW.apply(item, "validate", by=national)
    with pytest.raises(TransitionNotAllowed, match="impossible depuis le statut"):
        WORKFLOW.apply(item, "refuse", by=national, reason="Trop tard")
    assert TransitionLog.objects.count() == 1


def test_a_transition_requiring_a_reason_refuses_an_empty_one(item, national):
    with pytest.raises(TransitionNotAllowed, match="demande un motif"):
        WORKFLOW.apply(item, "refuse", by=national, reason="  ")
    item.refresh_from_db()
    assert item.name == "submitted"


def test_wildcard_source_allows_any_other_status(item, national):
    assert [t.name for t in WORKFLOW.available(item)] == ["validate", "refuse", "mark_duplicate"]
    WORKFLOW.apply(item, "mark_duplicate", by=national)
    assert not WORKFLOW.can(item, "mark_duplicate")


def test_a_stale_copy_cannot_move_an_object_someone_else_just_moved(item, national):
    stale = Structure.objects.get(pk=item.pk)
    WORKFLOW.apply(item, "validate", by=national)
    with pytest.raises(TransitionNotAllowed, match="a changé entre-temps"):
        WORKFLOW.apply(stale, "mark_duplicate", by=national)
    item.refresh_from_db()
    assert item.name == "validated"


def test_declaring_two_transitions_with_one_name_is_an_error():
    with pytest.raises(ValueError):
        Workflow(Transition("a", {"x"}, "y", "A"), Transition("a", {"y"}, "z", "A"))
