from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from organisations.audit import register_personal_read
        from organisations.demo import register_demo_loader
        from organisations.navigation import register_links
        from organisations.permissions import AnyOf, ObjectPermission, extend_policy, register_policy
        from organisations.today import register_section
        from people.models import Person
        from privacy import demo, models, notifications, today, views
        from privacy.selectors import PERSONAL_READS

        # The privacy officer and the hub's coordinators handle the people's rights for the
        # files their organisation holds; the privacy officer reads no file otherwise.
        manages = ObjectPermission("manage_privacy_requests", "organisation")
        extend_policy(Person, privacy=ObjectPermission("manage_privacy_requests", "owner"))
        register_policy(models.PrivacyRequest, view=manages, add=manages, change=manages)
        register_policy(models.ConfidentialityIncident, view=manages, add=manages, change=manages)
        # The person file shows its rectifications and emergency communications to the case
        # workers who read it.
        in_the_file = AnyOf((manages, ObjectPermission("work_cases", "organisation")))
        register_policy(models.Rectification, view=in_the_file, add=manages)
        register_policy(models.EmergencyCommunication, view=in_the_file, add=manages, register=manages)
        register_links(views.navigation_links)
        register_section(today.today_sections, order=40)
        notifications.register()
        register_demo_loader("demo privacy requests and registers", demo.load_demo_privacy)
        for label, spec in PERSONAL_READS.items():
            register_personal_read(label, spec)
