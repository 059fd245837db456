import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The outbox also carries messages from a template to an address (invitations)."""

    dependencies = [
        ('notifications', '0002_inbox_and_outbox'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='outgoingemail',
            name='email_notification_xor_digest',
        ),
        migrations.AddField(
            model_name='outgoingemail',
            name='address',
            field=models.EmailField(blank=True, max_length=254, verbose_name='address'),
        ),
        migrations.AddField(
            model_name='outgoingemail',
            name='language',
            field=models.CharField(blank=True, max_length=8, verbose_name='language'),
        ),
        migrations.AddField(
            model_name='outgoingemail',
            name='params',
            field=models.JSONField(blank=True, default=dict, verbose_name='parameters'),
        ),
        migrations.AddField(
            model_name='outgoingemail',
            name='template',
            field=models.CharField(blank=True, max_length=100, verbose_name='template'),
        ),
        migrations.AlterField(
            model_name='outgoingemail',
            name='recipient',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient'),
        ),
        migrations.AddConstraint(
            model_name='outgoingemail',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('digest_day__isnull', True), ('notification__isnull', False), ('recipient__isnull', False), ('template', '')), models.Q(('digest_day__isnull', False), ('notification__isnull', True), ('recipient__isnull', False), ('template', '')), models.Q(('address__gt', ''), ('digest_day__isnull', True), ('notification__isnull', True), models.Q(('template', ''), _negated=True)), _connector='OR'), name='email_notification_digest_or_template'),
        ),
    ]
