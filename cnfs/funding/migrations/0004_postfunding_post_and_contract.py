"""A post's funding belongs to a post and to the contract that opened it (no name)."""

import django.db.models.deletion
from django.db import migrations, models


def link_fundings(apps, schema_editor):
    """Each funding to the structure's validated contract that started it: same structure,
    same start date, in order (the first funding of a day to the first contract of that
    day); renewals continue their first contract's funding and are skipped."""
    PostFunding = apps.get_model("funding", "PostFunding")
    Contract = apps.get_model("contracts", "Contract")
    taken = set()
    for funding in PostFunding.objects.select_related("agreement").order_by("start_date", "pk"):
        contract = (
            Contract.objects.filter(
                structure_id=funding.agreement.structure_id,
                start_date=funding.start_date,
                previous__isnull=True,
                status__in=["active", "end_requested", "ended"],
            )
            .exclude(pk__in=taken)
            .order_by("pk")
            .first()
        )
        if contract is None:
            raise RuntimeError(f"Financement n° {funding.pk} : aucun contrat correspondant.")
        taken.add(contract.pk)
        funding.contract_id, funding.post_id = contract.pk, contract.post_id
        funding.save(update_fields=["contract", "post"])


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0005_contract_post_alter_contract_status_and_more"),
        ("funding", "0003_programme_budget_and_rates"),
        ("posts", "0002_posts_from_structure_counters"),
    ]

    operations = [
        migrations.AddField(
            model_name="postfunding",
            name="contract",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="funding",
                to="contracts.contract",
                verbose_name="contrat",
                help_text="Le contrat dont le début ouvre ces deux ans de subvention.",
            ),
        ),
        migrations.AddField(
            model_name="postfunding",
            name="post",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="fundings",
                to="posts.post",
                verbose_name="poste",
            ),
        ),
        migrations.RunPython(link_fundings, migrations.RunPython.noop),
        migrations.RemoveField(model_name="postfunding", name="advisor_label"),
        migrations.AlterField(
            model_name="postfunding",
            name="contract",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="funding",
                to="contracts.contract",
                verbose_name="contrat",
                help_text="Le contrat dont le début ouvre ces deux ans de subvention.",
            ),
        ),
        migrations.AlterField(
            model_name="postfunding",
            name="post",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="fundings",
                to="posts.post",
                verbose_name="poste",
            ),
        ),
        migrations.AddConstraint(
            model_name="postfunding",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "running")),
                fields=("post",),
                name="one_running_funding_per_post",
                violation_error_message="Ce poste est déjà financé pour un conseiller.",
            ),
        ),
    ]
