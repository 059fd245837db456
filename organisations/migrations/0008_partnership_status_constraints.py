import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The status replaces ``is_active``; one open (proposed or active) partnership per pair and
    scope, and the proposer is one of the two sides."""

    dependencies = [
        ('organisations', '0007_partnership_status_data'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='partnership',
            name='unique_partnership',
        ),
        migrations.RemoveField(
            model_name='partnership',
            name='is_active',
        ),
        migrations.AlterField(
            model_name='partnership',
            name='proposed_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation', verbose_name='proposed by'),
        ),
        migrations.AddConstraint(
            model_name='partnership',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['proposed', 'active'])), fields=('organisation', 'partner', 'scope'), name='unique_open_partnership'),
        ),
        migrations.AddConstraint(
            model_name='partnership',
            constraint=models.CheckConstraint(condition=models.Q(('proposed_by', models.F('organisation')), ('proposed_by', models.F('partner')), _connector='OR'), name='partnership_proposed_by_a_side'),
        ),
    ]
