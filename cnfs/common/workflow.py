"""Declared workflows: which status may follow which, and a log of every change.

A model declares its workflow once::

    STRUCTURE_WORKFLOW = Workflow(
        Transition("validate", {Status.SUBMITTED}, Status.VALIDATED, "Valider"),
        ...
    )

and services move objects with ``STRUCTURE_WORKFLOW.apply(obj, "validate", by=user)``.
The change is a conditional ``UPDATE … WHERE status = <old>`` so two concurrent requests can
never both move the same object; the loser gets ``TransitionNotAllowed``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from cnfs.common import audit
from cnfs.common.models import TransitionLog


class TransitionNotAllowed(Exception):
    """The object is not in a status from which this transition may start."""


class Transition:
    """One allowed move. ``"*"`` in ``sources`` means "from any other status"."""

    def __init__(self, name, sources, target, label, *, requires_reason=False):
        self.name = name
        self.sources = frozenset(str(s) for s in sources)
        self.target = str(target)
        self.label = label
        self.requires_reason = requires_reason

    def allowed_from(self, state) -> bool:
        if "*" in self.sources:
            return str(state) != self.target
        return str(state) in self.sources


class Workflow:
    def __init__(self, *transitions: Transition, state_field: str = "status"):
        names = [t.name for t in transitions]
        if len(names) != len(set(names)):
            raise ValueError("Deux transitions portent le même nom.")
        self.transitions = {t.name: t for t in transitions}
        self.state_field = state_field

    def get(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise TransitionNotAllowed(f"Transition inconnue : {name}.") from None

    def available(self, obj) -> list[Transition]:
        state = getattr(obj, self.state_field)
        return [t for t in self.transitions.values() if t.allowed_from(state)]

    def can(self, obj, name: str) -> bool:
        return name in self.transitions and self.get(name).allowed_from(
            getattr(obj, self.state_field)
        )

    @transaction.atomic
    def apply(self, obj, name: str, *, by=None, reason: str = "", extra: dict | None = None):
        """Move ``obj`` through transition ``name``; log it; return the transition log.

        ``extra`` holds other fields to write in the same UPDATE (e.g. a decision date).
        """
        transition = self.get(name)
        current = str(getattr(obj, self.state_field))
        if not transition.allowed_from(current):
            raise TransitionNotAllowed(
                f"« {transition.label} » est impossible depuis le statut "
                f"« {self._label(obj, current)} »."
            )
        if transition.requires_reason and not reason.strip():
            raise TransitionNotAllowed(f"« {transition.label} » demande un motif.")
        values = {self.state_field: transition.target, **(extra or {})}
        model = type(obj)
        updated = model._default_manager.filter(pk=obj.pk, **{self.state_field: current}).update(
            **values
        )
        if updated != 1:
            raise TransitionNotAllowed(
                "Le statut a changé entre-temps : rechargez la page et recommencez."
            )
        for key, value in values.items():
            setattr(obj, key, value)
        log = TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(obj.pk),
            transition=name,
            from_state=current,
            to_state=transition.target,
            by=by if getattr(by, "is_authenticated", False) else None,
            reason=reason,
        )
        audit.record(
            f"{model._meta.model_name}.{name}",
            by=by,
            obj=obj,
            summary=f"{self._label(obj, current)} → {self._label(obj, transition.target)}",
            changes={self.state_field: [current, transition.target], "motif": reason},
        )
        return log

    def log_of(self, obj):
        return TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
        ).select_related("by")

    def _label(self, obj, state: str) -> str:
        choices = dict(type(obj)._meta.get_field(self.state_field).flatchoices)
        return str(choices.get(state, state))
