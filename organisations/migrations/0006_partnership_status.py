import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Partnerships get a status and a record of who proposed, answered and ended them (the data
    is filled in by 0007, the old ``is_active`` flag goes in 0008)."""

    dependencies = [
        ('organisations', '0005_alter_organisation_options'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='partnership',
            name='status',
            field=models.CharField(choices=[('proposed', 'Waiting for an answer'), ('active', 'Active'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn'), ('ended', 'Ended')], default='proposed', max_length=16, verbose_name='status'),
        ),
        migrations.AddField(
            model_name='partnership',
            name='proposed_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation', verbose_name='proposed by'),
        ),
        migrations.AddField(
            model_name='partnership',
            name='proposed_by_user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='partnership',
            name='answered_by_user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='partnership',
            name='answered_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='date of the answer'),
        ),
        migrations.AddField(
            model_name='partnership',
            name='ended_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation', verbose_name='ended by'),
        ),
        migrations.AddField(
            model_name='partnership',
            name='ended_by_user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='partnership',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='date of the proposal'),
        ),
    ]
