"""One base for the periodic commands run by cron.

A command says what the days ``first`` … ``last`` set off and returns counts; the base
gives every command the same behaviour:

- a dry run by default: nothing is written nor sent, the summary says what would be done;
- ``--apply`` does it, in one transaction, and records the last day handled
  (``PeriodicRun``): run twice the same day, the second run finds nothing to do; after
  days without a run, the next one handles them all;
- ``--day`` sets "today" (replaying a past day, tests);
- a summary line per count, in French.
"""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cnfs.common.models import PeriodicRun


class PeriodicCommand(BaseCommand):
    #: Days handled by a first run, before any is recorded (today only by default).
    first_run_days = 1

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Agir (sinon : simulation).")
        parser.add_argument("--day", help="Jour traité, AAAA-MM-JJ (par défaut : aujourd’hui).")

    def run(self, *, first: date, last: date, apply: bool) -> dict[str, int]:
        """Handle the days ``first`` to ``last`` (inclusive); return labelled counts."""
        raise NotImplementedError

    def window(self, today: date) -> tuple[date, date] | None:
        done = PeriodicRun.objects.filter(command=self.command_name).first()
        first = (
            done.last_day + timedelta(days=1)
            if done
            else today - timedelta(days=self.first_run_days - 1)
        )
        return (first, today) if first <= today else None

    @property
    def command_name(self) -> str:
        return self.__module__.rsplit(".", 1)[-1]

    def handle(self, *args, apply=False, day=None, **options):
        try:
            today = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError("--day attend une date AAAA-MM-JJ.") from None
        window = self.window(today)
        if window is None:
            self.stdout.write(f"Rien à faire : le {today:%d/%m/%Y} est déjà traité.")
            return
        first, last = window
        with transaction.atomic():
            counts = self.run(first=first, last=last, apply=apply)
            if apply:
                PeriodicRun.objects.update_or_create(
                    command=self.command_name, defaults={"last_day": last}
                )
        mode = "" if apply else " (simulation : relancer avec --apply pour agir)"
        period = (
            f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}" if first != last else (f"le {last:%d/%m/%Y}")
        )
        self.stdout.write(f"{self.help.split('.')[0]} — {period}{mode}")
        for label, count in counts.items():
            self.stdout.write(f"  {label} : {count}")
