"""The ground floor takes over two tables the notifications app created (stream versions, the
job schedule): in Django's state only, since the rows must stay, then the tables are renamed."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    # The tables were created by notifications' migrations: they must exist before they are taken over.
    dependencies = [
        ("notifications", "0004_admin_labels"),
    ]

    state_operations = [
        migrations.CreateModel(
            name='ScheduledJob',
            fields=[
                ('name', models.CharField(max_length=100, primary_key=True, serialize=False, verbose_name='name')),
                ('next_run_at', models.DateTimeField(verbose_name='next run')),
                ('last_started_at', models.DateTimeField(blank=True, null=True, verbose_name='last started')),
                ('last_finished_at', models.DateTimeField(blank=True, null=True, verbose_name='last finished')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
            ],
            options={
                'verbose_name': 'scheduled job',
                'verbose_name_plural': 'scheduled jobs',
                'db_table': 'notifications_scheduledjob',
            },
        ),
        migrations.CreateModel(
            name='StreamVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stream', models.CharField(max_length=64, verbose_name='stream')),
                ('key', models.CharField(max_length=64, verbose_name='key')),
                ('version', models.PositiveBigIntegerField(default=0, verbose_name='version')),
            ],
            options={
                'verbose_name': 'stream version',
                'verbose_name_plural': 'stream versions',
                'constraints': [models.UniqueConstraint(fields=('stream', 'key'), name='unique_stream_key')],
                'db_table': 'notifications_streamversion',
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.AlterModelTable(name="scheduledjob", table=None),
        migrations.AlterModelTable(name="streamversion", table=None),
    ]
