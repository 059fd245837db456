"""Organisation names are unique as people read them: a ``name_key`` column, filled for the
existing rows, then unique."""

import unicodedata

from django.db import migrations, models


def _key(name: str) -> str:
    # A copy of ``organisations.models.organisation_name_key`` as it is today: a migration must
    # not change when the model's code does.
    decomposed = unicodedata.normalize("NFKD", name).casefold()
    return "".join(character for character in decomposed if unicodedata.category(character)[0] in "LN")


def fill_name_keys(apps, schema_editor):
    """Compute every organisation's key. Two existing names that read the same keep distinct
    keys (the later one gets its id appended) so that the migration runs; the platform's staff
    then rename one of them in the Django admin, where the clash is told."""
    Organisation = apps.get_model("organisations", "Organisation")
    taken = set()
    for organisation in Organisation.objects.order_by("pk"):
        key = _key(organisation.name)
        if key in taken:
            key = f"{key}#{organisation.pk}"
        taken.add(key)
        organisation.name_key = key
        organisation.save(update_fields=["name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0011_override_housing_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="name_key",
            field=models.CharField(editable=False, max_length=200, null=True, verbose_name="name as compared"),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
    ]
