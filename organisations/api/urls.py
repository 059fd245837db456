from django.urls import path

from organisations.api import views
from organisations.api.routers import ApiRouter

router = ApiRouter()
router.register("organisations", views.OrganisationViewSet)
router.register("memberships", views.MembershipViewSet)
router.register("membership-invitations", views.MembershipInvitationViewSet, basename="membership-invitation")
router.register("partnerships", views.PartnershipViewSet)
router.register("services", views.ServiceViewSet)
router.register("locations", views.LocationViewSet)
router.register("audit-entries", views.AuditEntryViewSet, basename="audit-entry")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("directory/hsds/", views.HSDSDirectoryView.as_view(), name="api-directory-hsds"),
    *router.urls,
]
