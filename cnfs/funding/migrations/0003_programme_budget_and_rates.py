"""The programme's figures (DOMAIN §1) as data: editable in the administration, dated."""

from datetime import date

from django.db import migrations

START = date(2020, 11, 1)
RATES = [
    ("public", "mainland", 5_000_000),
    ("public", "antilles_guyane", 7_000_000),
    ("public", "reunion_mayotte", 6_750_000),
    ("private", "mainland", 3_200_000),
    ("private", "antilles_guyane", 3_200_000),
    ("private", "reunion_mayotte", 3_200_000),
]


def forwards(apps, schema_editor):
    budget = apps.get_model("funding", "ProgrammeBudget")
    rate = apps.get_model("funding", "SubsidyRate")
    budget.objects.get_or_create(
        effective_from=START,
        defaults={
            "posts_cap": 4000,
            "envelope_cents": 250_000_000 * 100,
            "label": "France Relance : 4 000 conseillers, 250 M€",
        },
    )
    for category, zone, cents in RATES:
        rate.objects.get_or_create(
            employer_category=category,
            zone=zone,
            effective_from=START,
            defaults={"amount_cents": cents},
        )


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
