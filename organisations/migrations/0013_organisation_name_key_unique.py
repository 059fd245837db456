from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0012_organisation_name_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="name_key",
            field=models.CharField(editable=False, max_length=200, unique=True, verbose_name="name as compared"),
        ),
    ]
