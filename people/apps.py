from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self):
        from organisations.navigation import register_links
        from organisations.permissions import ObjectPermission, register_policy
        from organisations.today import register_section
        from people import imports, models, today, views  # noqa: F401 - imports registers its job

        # Only the owning hub's case workers reach person files; partners see what referrals
        # share under consent, never these rows.
        owner = ObjectPermission("work_cases", "owner")
        register_policy(models.Person, view=owner, add=owner, change=owner)
        register_policy(models.Household, view=owner, add=owner, change=owner)
        via_person = ObjectPermission("work_cases", "person__owner")
        for model in (models.Consent, models.Need, models.Milestone):
            register_policy(model, view=via_person, add=via_person, change=via_person)
        register_policy(
            models.Intervention,
            view=ObjectPermission("work_cases", "organisation"),
            add=ObjectPermission("work_cases", "organisation"),
        )
        register_links(views.navigation_links)
        register_section(today.today_sections, order=30)
        from organisations.audit import register_personal_read
        from people.selectors import PERSONAL_READS

        for label, spec in PERSONAL_READS.items():
            register_personal_read(label, spec)
