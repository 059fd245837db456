from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from organisations.database_role import grant_after_migrate


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from django.contrib.admin.models import LogEntry
        from django.db.models import F, Q
        from django.db.models.signals import post_save

        from organisations import models
        from organisations.audit import record_admin_change
        from organisations.permissions import (
            AnyOf,
            MemberOf,
            NetworkMember,
            ObjectPermission,
            Own,
            Where,
            register_policy,
        )
        from organisations.streams import MembershipStream
        from plumbing import streams

        directory_editor = ObjectPermission("change_organisation", "organisation")
        register_policy(models.Organisation, view=NetworkMember(), change=ObjectPermission("change_organisation"))
        register_policy(models.Service, view=NetworkMember(), add=directory_editor, change=directory_editor)
        register_policy(models.Location, view=NetworkMember(), add=directory_editor, change=directory_editor)
        # An account is seen by itself and by the members of its organisations (who may list
        # its memberships): no choice list or answer names anyone else.
        register_policy(models.User, view=AnyOf((Own("pk"), MemberOf("view_internal"))))
        member_manager = ObjectPermission("manage_members", "organisation")
        register_policy(
            models.Membership,
            view=AnyOf((ObjectPermission("view_internal", "organisation"), Own("user"))),
            add=member_manager,
            change=member_manager,
        )
        # Invitations name an address that may have no account: the organisation's admins only.
        register_policy(models.MembershipInvitation, view=member_manager, add=member_manager, change=member_manager)
        # Both sides see a partnership; either side proposes and ends it; only the side that did
        # not propose answers (accepts or declines); only the proposer withdraws.
        first_side = ObjectPermission("manage_partnerships", "organisation")
        second_side = ObjectPermission("manage_partnerships", "partner")
        register_policy(
            models.Partnership,
            view=AnyOf(
                (ObjectPermission("view_internal", "organisation"), ObjectPermission("view_internal", "partner"))
            ),
            add=ObjectPermission("manage_partnerships", "proposed_by"),
            change=AnyOf((first_side, second_side)),
            answer=AnyOf(
                (
                    Where(first_side, Q(proposed_by=F("partner"))),
                    Where(second_side, Q(proposed_by=F("organisation"))),
                )
            ),
            withdraw=ObjectPermission("manage_partnerships", "proposed_by"),
        )
        # A partnership's data-sharing agreements: both sides' members see what they cover (why
        # a referral is refused); either side's partnership managers record or end one and read
        # the signed document, which may name the signatories.
        either_manager = AnyOf(
            (
                ObjectPermission("manage_partnerships", "partnership__organisation"),
                ObjectPermission("manage_partnerships", "partnership__partner"),
            )
        )
        register_policy(
            models.DataSharingAgreement,
            view=AnyOf(
                (
                    ObjectPermission("view_internal", "partnership__organisation"),
                    ObjectPermission("view_internal", "partnership__partner"),
                )
            ),
            change=either_manager,
            document=either_manager,
        )
        # Append-only: read by the organisation's privacy officer, written only by services.
        register_policy(models.AuditEntry, view=ObjectPermission("view_audit", "organisation"))
        streams.register(MembershipStream())
        post_migrate.connect(sync_all_role_groups, sender=self)
        post_save.connect(record_admin_change, sender=LogEntry, dispatch_uid="audit-admin-change")
        post_migrate.connect(grant_after_migrate, sender=self)
        # These modules register their periodic jobs when imported.
        for module in ("organisations.services", "organisations.api.idempotency"):
            import_module(module)
        from organisations.today import partnership_sections, register_section

        register_section(partnership_sections, order=90)


def sync_all_role_groups(sender, using="default", **kwargs):
    """After migrations, bring every organisation's role groups in line with the access policy's
    table of role permissions (a new permission reaches existing organisations this way)."""
    from organisations.models import Organisation
    from organisations.permissions import role_groups_sync

    for organisation in Organisation.objects.using(using).all():
        role_groups_sync(organisation)
