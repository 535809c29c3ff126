"""CVs kept 6 months after the candidate's last activity: a warning e-mail 15 days before,
then the deletion. Cron: daily, ``--apply``.

Idempotent: the warning is dated on the application (``cv_warned_at``), never sent twice
for the same last activity; a CV is deleted only 15 days after a warning sent since the last
activity (a candidate who comes back in between keeps it)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cnfs.candidates import retention
from cnfs.candidates.services import delete_cv, mark_cv_warned
from cnfs.common import audit
from cnfs.common.periodic import PeriodicCommand
from cnfs.common.retention import CV_KEPT_MONTHS, CV_WARNING_DAYS
from cnfs.notifications.kinds import Kind
from cnfs.notifications.services import notify, person

TEMPLATE = "notifications/email/cv_deletion_warning.txt"


class Command(PeriodicCommand):
    help = (
        f"Suppression des CV {CV_KEPT_MONTHS} mois après la dernière activité du candidat, "
        f"annoncée {CV_WARNING_DAYS} jours avant."
    )

    def run(self, *, first, last, apply):
        to_warn = list(retention.cvs_to_warn(last).select_related("user"))
        to_delete = list(retention.cvs_to_delete(last))
        if apply:
            for candidate in to_delete:
                delete_cv(candidate)
            for candidate in to_warn:
                activity = timezone.localdate(candidate.last_activity_at)
                # A late warning (the job did not run) still gives the full notice.
                deadline = max(
                    retention.cv_deadline(candidate), last + timedelta(days=CV_WARNING_DAYS)
                )
                notify(
                    person(candidate),
                    Kind.CV_DELETION_WARNING,
                    TEMPLATE,
                    {
                        "candidate": candidate,
                        "deadline": deadline,
                        "last_activity": activity,
                        "months": CV_KEPT_MONTHS,
                    },
                    link=reverse("candidates:space"),
                    about=f"cv:{candidate.pk}:{activity}",
                )
                mark_cv_warned(candidate)
        counts = {"Candidats prévenus": len(to_warn), "CV supprimés": len(to_delete)}
        if apply and any(counts.values()):
            audit.record(
                "retention.cvs",
                summary=", ".join(f"{label} : {n}" for label, n in counts.items()),
            )
        return counts
