"""QuerySets that carry the access policy: every model a user reaches through the app uses one."""

from django.db import models


class RestrictedQuerySet(models.QuerySet):
    """A queryset that answers "which of these objects may this user act on"."""

    def restrict(self, user, action: str = "view") -> "RestrictedQuerySet":
        """Keep only the objects ``user`` may perform ``action`` on (see organisations.permissions)."""
        from organisations.permissions import restrict_queryset

        return restrict_queryset(self, user, action)


class AuditQuerySet(RestrictedQuerySet):
    """The audit log's queryset: rows can be added and read, never changed or deleted."""

    def update(self, **kwargs):
        raise PermissionError("Audit entries are append-only.")

    def delete(self):
        raise PermissionError("Audit entries are append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("Audit entries are append-only.")
