from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from notifications import streams
        from organisations.demo import register_demo_loader
        from organisations.permissions import AnyOf, ObjectPermission, register_policy
        from people import services as people_services
        from referrals import demo, models, services
        from referrals.streams import ReferralInboxStream

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
