from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from organisations.database_role import grant_after_migrate


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from notifications import streams
        from organisations import models
        from organisations.permissions import AnyOf, NetworkMember, ObjectPermission, Own, register_policy
        from organisations.streams import MembershipStream

        directory_editor = ObjectPermission("change_organisation", "organisation")
        register_policy(models.Organisation, view=NetworkMember(), change=ObjectPermission("change_organisation"))
        register_policy(models.Service, view=NetworkMember(), add=directory_editor, change=directory_editor)
        register_policy(models.Location, view=NetworkMember(), add=directory_editor, change=directory_editor)
        member_manager = ObjectPermission("manage_members", "organisation")
        register_policy(
            models.Membership,
            view=AnyOf((ObjectPermission("view_internal", "organisation"), Own("user"))),
            add=member_manager,
            change=member_manager,
        )
        partnership_manager = ObjectPermission("manage_partnerships", "organisation")
        register_policy(
            models.Partnership,
            view=AnyOf(
                (ObjectPermission("view_internal", "organisation"), ObjectPermission("view_internal", "partner"))
            ),
            add=partnership_manager,
            change=partnership_manager,
        )
        # Append-only: read by the organisation's privacy officer, written only by services.
        register_policy(models.AuditEntry, view=ObjectPermission("view_audit", "organisation"))
        streams.register(MembershipStream())
        post_migrate.connect(sync_all_role_groups, sender=self)
        post_migrate.connect(grant_after_migrate, sender=self)
        # These modules register their periodic jobs when imported.
        for module in ("organisations.services", "organisations.api.idempotency"):
            import_module(module)


def sync_all_role_groups(sender, using="default", **kwargs):
    """After migrations, bring every organisation's role groups in line with the access policy's
    table of role permissions (a new permission reaches existing organisations this way)."""
    from organisations.models import Organisation
    from organisations.permissions import role_groups_sync

    for organisation in Organisation.objects.using(using).all():
        role_groups_sync(organisation)
