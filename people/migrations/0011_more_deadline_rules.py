"""The other deadlines of the claim process, as data coordinators change in a page."""

from django.db import migrations

RULES = [
    # Eligibility: an officer decides within three working days of the claim (an interview is
    # usually set in that time).
    ("claim_made", [], "eligibility_interview", 3),
    # Pre-removal risk assessment: applied for within 15 days of being told it may be.
    ("removal_order", [], "prra", 15),
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
    dependencies = [("people", "0010_milestone_place_validity_rule_reminders")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
