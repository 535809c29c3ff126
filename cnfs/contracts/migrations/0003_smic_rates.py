"""The gross hourly SMIC since the programme started (editable in the administration)."""

from datetime import date

from django.db import migrations

SMIC = [
    (date(2021, 1, 1), 1025),
    (date(2021, 10, 1), 1048),
    (date(2022, 1, 1), 1057),
    (date(2022, 5, 1), 1085),
    (date(2022, 8, 1), 1107),
    (date(2023, 1, 1), 1127),
    (date(2023, 5, 1), 1152),
    (date(2024, 1, 1), 1165),
    (date(2024, 11, 1), 1188),
]


def forwards(apps, schema_editor):
    rate = apps.get_model("contracts", "SmicRate")
    for effective_from, cents in SMIC:
        rate.objects.get_or_create(effective_from=effective_from, defaults={"hourly_cents": cents})


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
