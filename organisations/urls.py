from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    path("partnerships/", views.partnerships, name="partnerships"),
    path("partnerships/propose/", views.partnership_propose, name="partnership-propose"),
    path("partnerships/<int:pk>/accept/", views.partnership_accept, name="partnership-accept"),
    path("partnerships/<int:pk>/decline/", views.partnership_decline, name="partnership-decline"),
    path("partnerships/<int:pk>/withdraw/", views.partnership_withdraw, name="partnership-withdraw"),
    path("partnerships/<int:pk>/end/", views.partnership_end, name="partnership-end"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.member_invite, name="member-invite"),
    path("members/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("audit-log/", views.audit_log, name="audit-log"),
    path("audit-log/export.csv", views.audit_log_export, name="audit-log-export"),
]
