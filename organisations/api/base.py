"""The base of every API viewset: restrict the queryset to the request's action before the view
runs (NetBox), so that an object the user may not act on is simply not found."""

from rest_framework import mixins, viewsets

from organisations.audit import audited_if_personal
from organisations.permissions import RestrictedObjectPermission, action_for_request


class RestrictedViewSetMixin:
    """Restricts ``get_queryset()`` to what the user may do with this request's action.

    Concrete viewsets declare ``queryset`` (or ``get_base_queryset``) and call services in
    ``perform_create``/``perform_update``; they never filter by permission themselves.
    """

    permission_classes = [RestrictedObjectPermission]

    def get_base_queryset(self):
        return self.queryset.all()

    def get_queryset(self):
        """Restricted to the request's action; rows of personal data are audited when read (the
        answer of a PATCH too: it discloses them as a read does)."""
        queryset = self.get_base_queryset().restrict(self.request.user, action_for_request(self.request, self))
        return audited_if_personal(queryset, user=self.request.user)


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail, restricted."""


class RestrictedModelViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """List, detail, create and update, restricted; deleting is an explicit action where allowed
    (ending a membership, not erasing its history)."""
