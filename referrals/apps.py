from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from organisations.demo import register_demo_loader
        from organisations.navigation import register_links
        from organisations.permissions import AnyOf, ObjectPermission, register_policy
        from organisations.today import register_section
        from people import services as people_services
        from people import views as people_views
        from plumbing import streams
        from referrals import demo, models, services, today
        from referrals.streams import ReferralInboxStream
        from referrals.views import contributions

        sender_side = ObjectPermission("work_cases", "sender")
        recipient_side = ObjectPermission("view_referral")  # granted to the recipient's groups on send
        register_policy(
            models.Referral,
            view=AnyOf((sender_side, recipient_side)),
            add=sender_side,
            change=sender_side,
            respond=recipient_side,
        )
        streams.register(ReferralInboxStream())
        people_services.consent_change_listeners.append(services.on_consent_withdrawn)
        register_demo_loader("demo people and referrals", demo.load_demo_referrals)
        # The person file shows the person's referrals (people.views imports nothing from here).
        people_views.person_file_sections.append(contributions.person_file_referrals)
        register_links(contributions.navigation_links)
        register_section(today.today_sections, order=20)
        from organisations.audit import register_personal_read
        from referrals.selectors import PERSONAL_READS

        for label, spec in PERSONAL_READS.items():
            register_personal_read(label, spec)
