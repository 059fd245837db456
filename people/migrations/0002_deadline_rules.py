"""The deadlines DOMAIN.md names, as data an administrator can change."""

from django.db import migrations

PORT_OF_ENTRY = ["port_of_entry_air", "port_of_entry_land", "port_of_entry_sea", "irregular_crossing_intercepted"]

RULES = [
    # Basis of Claim form: 15 days after a claim made at a port of entry.
    ("claim_made", PORT_OF_ENTRY, "boc_sent", 15),
    # Immigration medical exam: within 30 days of the claim.
    ("claim_made", [], "medical_exam", 30),
    # Appeal: notice within 15 days of a refusal.
    ("decision_refused", [], "appeal_filed", 15),
]


def add_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("people", "DeadlineRule")
    for trigger, pathways, due, days in RULES:
        DeadlineRule.objects.get_or_create(trigger=trigger, due=due, defaults={"pathways": pathways, "days": days})


def remove_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("people", "DeadlineRule")
    for trigger, _pathways, due, _days in RULES:
        DeadlineRule.objects.filter(trigger=trigger, due=due).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
