"""Subsidy rates gain a post kind (DOMAIN §8): today's rates stay those of advisors' posts;
coordination posts get the same figures from the same date, which the national team may
change as data (a dated row in the administration)."""

from django.db import migrations, models


def coordination_rates(apps, schema_editor):
    rate = apps.get_model("funding", "SubsidyRate")
    for row in rate.objects.filter(post_kind="advisor"):
        rate.objects.get_or_create(
            employer_category=row.employer_category,
            zone=row.zone,
            post_kind="coordination",
            effective_from=row.effective_from,
            defaults={"amount_cents": row.amount_cents},
        )


def drop_coordination_rates(apps, schema_editor):
    apps.get_model("funding", "SubsidyRate").objects.filter(post_kind="coordination").delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0004_postfunding_post_and_contract")]

    operations = [
        migrations.RemoveConstraint(model_name="subsidyrate", name="one_rate_per_date"),
        migrations.AddField(
            model_name="subsidyrate",
            name="post_kind",
            field=models.CharField(
                choices=[
                    ("advisor", "Conseiller numérique"),
                    ("coordination", "Conseiller numérique coordinateur"),
                ],
                default="advisor",
                max_length=12,
                verbose_name="nature du poste",
            ),
        ),
        migrations.AlterModelOptions(
            name="subsidyrate",
            options={
                "ordering": ["employer_category", "zone", "post_kind", "-effective_from"],
                "verbose_name": "taux de subvention",
                "verbose_name_plural": "taux de subvention",
            },
        ),
        migrations.AddConstraint(
            model_name="subsidyrate",
            constraint=models.UniqueConstraint(
                fields=("employer_category", "zone", "post_kind", "effective_from"),
                name="one_rate_per_date",
            ),
        ),
        migrations.RunPython(coordination_rates, drop_coordination_rates),
    ]
