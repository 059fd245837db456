"""Stream versions and the job schedule now belong to the ground floor (plumbing 0001): forgotten
here in Django's state only, their rows kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_admin_labels"),
        ("plumbing", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ScheduledJob"),
                migrations.DeleteModel(name="StreamVersion"),
            ]
        ),
    ]
