from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from organisations import onboarding_views
from organisations import views as organisation_views

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("directory/", organisation_views.directory, name="directory"),
    path("directory/<slug:slug>/", onboarding_views.organisation_detail, name="directory-organisation"),
    path("profile/", organisation_views.profile, name="profile"),
    path("", include("organisations.urls")),
    path("people/", include("people.urls")),
    path("referrals/", include("referrals.urls")),
    path("housing/", include("housing.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("retention/", include("retention.urls")),
    path("privacy/", include("privacy.urls")),
    path("trajectory/", include("trajectory.urls")),
    path("language/", organisation_views.language_switch, name="language-switch"),
    path("accounts/", include("accounts.urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("organisations.api.urls")),
    path("api/v1/", include("people.api.urls")),
    path("api/v1/", include("referrals.api.urls")),
    path("api/v1/", include("housing.api.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("api/v1/", include("notifications.api.urls")),
    path("api/v1/", include("accounts.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", organisation_views.healthz, name="healthz"),
]

handler400 = "organisations.views.bad_request"
handler404 = "organisations.views.page_not_found"
handler500 = "organisations.views.server_error"
