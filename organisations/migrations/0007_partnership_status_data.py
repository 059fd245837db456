from django.db import migrations
from django.db.models import F


def mark_existing_partnerships(apps, schema_editor):
    """Partnerships made before proposals existed were agreed outside the application: an active
    one stays active, as accepted when it was made; an ended one is ended. Either counts as
    proposed by its first organisation, which recorded it."""
    Partnership = apps.get_model("organisations", "Partnership")
    Partnership.objects.filter(is_active=True).update(
        status="active", proposed_by=F("organisation"), answered_at=F("created_at")
    )
    Partnership.objects.filter(is_active=False).update(
        status="ended", proposed_by=F("organisation"), answered_at=F("created_at")
    )


def restore_is_active(apps, schema_editor):
    """Going back: only an active partnership was in force."""
    Partnership = apps.get_model("organisations", "Partnership")
    Partnership.objects.update(is_active=False)
    Partnership.objects.filter(status="active").update(is_active=True)


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0006_partnership_status'),
    ]

    operations = [
        migrations.RunPython(mark_existing_partnerships, restore_is_active),
    ]
