"""One post record per post a structure held as a counter before the post register."""

from django.db import migrations


def forwards(apps, schema_editor):
    Structure = apps.get_model("structures", "Structure")
    AgendaItem = apps.get_model("committee", "AgendaItem")
    Post = apps.get_model("posts", "Post")
    posts = []
    for structure in Structure.objects.filter(granted_posts__gt=0).iterator():
        latest = (
            AgendaItem.objects.filter(
                request__structure=structure, decision="granted", applied_at__isnull=False
            )
            .select_related("session")
            .order_by("-applied_at", "-pk")
            .first()
        )
        granted_on = latest.session.date if latest else structure.created_at.date()
        count = structure.granted_posts
        share, rest = divmod(structure.committed_subsidy_cents, count)
        for index in range(count):
            posts.append(
                Post(
                    structure=structure,
                    granted_by=latest,
                    granted_on=granted_on,
                    amount_cents=share + (rest if index == 0 else 0) or 1,
                )
            )
    Post.objects.bulk_create(posts, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("posts", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
