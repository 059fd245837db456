from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrajectoryConfig(AppConfig):
    name = "trajectory"
    verbose_name = _("Service trajectory")

    def ready(self):
        from organisations.audit import register_personal_read
        from organisations.demo import register_demo_loader
        from organisations.navigation import register_links
        from organisations.permissions import ObjectPermission, register_policy
        from organisations.today import register_section
        from people import views as people_views
        from referrals.views import referral as referral_views
        from trajectory import casework_views, demo, design_views, models, selectors, today, views

        # The design is the hub's coordinators' (``manage_trajectory``); a person's path is read
        # through their file, and a partner's view through the referral and the consent.
        for model, path in (
            (models.Trajectory, "organisation"),
            (models.Phase, "trajectory__organisation"),
            (models.Step, "phase__trajectory__organisation"),
            (models.Entitlement, "organisation"),
            (models.Guide, "organisation"),
        ):
            designs = ObjectPermission("manage_trajectory", path)
            register_policy(model, view=designs, add=designs, change=designs, delete=designs)
        # Interpreter requests, assessments and enrolments are case work of the hub that holds
        # the person's file; a programme is seen by its case workers, designed by coordinators.
        for model, path in (
            (models.InterpreterRequest, "organisation"),
            (models.Assessment, "person__owner"),
            (models.Enrolment, "programme__organisation"),
        ):
            works = ObjectPermission("work_cases", path)
            register_policy(model, view=works, add=works, change=works)
        register_policy(
            models.Programme,
            view=ObjectPermission("work_cases", "organisation"),
            change=ObjectPermission("manage_trajectory", "organisation"),
        )
        for label, spec in selectors.PERSONAL_READS.items():
            register_personal_read(label, spec)

        # The path comes first in the person file: what comes next, by when, who does it.
        people_views.person_file_sections.insert(0, views.person_file_section)
        people_views.person_file_sections.insert(1, casework_views.person_file_section)
        referral_views.referral_detail_sections.append(views.referral_section)
        register_links(design_views.navigation_links)
        register_section(today.today_sections, order=25)
        register_demo_loader("demo service trajectory", demo.load_demo_trajectory)
