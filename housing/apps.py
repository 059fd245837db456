from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = _("Housing")

    def ready(self):
        from housing import demo, models, person_file, services, today  # noqa: F401 - services registers the hold expiry job
        from housing.selectors import PERSONAL_READS
        from housing.streams import AvailabilityStream
        from housing.views.navigation import navigation_links
        from organisations.audit import register_personal_read

        for label, spec in PERSONAL_READS.items():
            register_personal_read(label, spec)
        from housing import profile
        from organisations import onboarding_views
        from organisations.choices import PartnershipScope
        from organisations.demo import register_demo_loader
        from organisations.navigation import register_links
        from organisations.permissions import AnyOf, ObjectPermission, Partnered, register_policy
        from organisations.today import register_section
        from people import views as people_views
        from plumbing import streams

        provider_staff = ObjectPermission("work_cases", "provider")
        housing_partner = Partnered(PartnershipScope.HOUSING, "provider")
        # Provider staff manage their sites; hubs with a housing partnership see availability and
        # hold beds; everyone else: 404.
        register_policy(
            models.Site,
            view=AnyOf((provider_staff, housing_partner)),
            change=provider_staff,
            hold=AnyOf((provider_staff, housing_partner)),
        )
        # Holds and stays name people: the placing hub and the hosting provider only.
        for model in (models.Hold, models.Stay):
            placer = ObjectPermission("work_cases", "organisation")
            host = ObjectPermission("work_cases", "site__provider")
            register_policy(model, view=AnyOf((placer, host)), change=AnyOf((placer, host)))
        register_policy(models.UnmetHousingRequest, view=ObjectPermission("work_cases", "organisation"))
        streams.register(AvailabilityStream())
        register_demo_loader("demo housing sites", demo.load_demo_sites)
        register_links(navigation_links)
        register_section(today.today_sections, order=10)
        people_views.person_file_sections.append(person_file.person_file_housing)
        onboarding_views.organisation_profile_sections.append(profile.organisation_sites_section)
