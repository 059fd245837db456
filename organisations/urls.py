from django.urls import path

from organisations import agreement_views, audit_log_views, directory_views, member_views, onboarding_views, views

app_name = "organisations"

urlpatterns = [
    path("partnerships/", views.partnerships, name="partnerships"),
    path("partnerships/propose/", views.partnership_propose, name="partnership-propose"),
    path("partnerships/<int:pk>/accept/", views.partnership_accept, name="partnership-accept"),
    path("partnerships/<int:pk>/decline/", views.partnership_decline, name="partnership-decline"),
    path("partnerships/<int:pk>/withdraw/", views.partnership_withdraw, name="partnership-withdraw"),
    path("partnerships/<int:pk>/end/", views.partnership_end, name="partnership-end"),
    path("partnerships/<int:pk>/agreements/", agreement_views.agreement_record, name="agreement-record"),
    path("agreements/<int:pk>/end/", agreement_views.agreement_end, name="agreement-end"),
    path("agreements/<int:pk>/document.pdf", agreement_views.agreement_document, name="agreement-document"),
    path("members/", member_views.members, name="members"),
    path("members/invite/", member_views.member_invite, name="member-invite"),
    path("members/invitations/<int:pk>/revoke/", member_views.invitation_revoke, name="invitation-revoke"),
    path("members/<int:membership_id>/end/", onboarding_views.membership_end, name="membership-end"),
    path("organisations/new/", onboarding_views.organisation_new, name="organisation-new"),
    path("directory/<slug:slug>/edit/", onboarding_views.organisation_edit, name="organisation-edit"),
    path("directory/<slug:slug>/first-admin/", onboarding_views.first_admin_invite, name="first-admin-invite"),
    path("directory/<slug:slug>/services/", directory_views.organisation_services, name="services"),
    path("directory/<slug:slug>/services/new/", directory_views.service_edit, name="service-create"),
    path("directory/<slug:slug>/services/import/", directory_views.services_import, name="services-import"),
    path(
        "directory/<slug:slug>/services/import/template.csv",
        directory_views.services_import_template,
        name="services-import-template",
    ),
    path("directory/services/<int:service_id>/", directory_views.service_edit, name="service-edit"),
    path("invitations/<str:token>/", member_views.invitation, name="invitation"),
    path("audit-log/", audit_log_views.audit_log, name="audit-log"),
    path("audit-log/export.csv", audit_log_views.audit_log_export, name="audit-log-export"),
]
