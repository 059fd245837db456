from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/export.json", views.request_export_json, name="request-export-json"),
    path("requests/<int:request_id>/export.pdf", views.request_export_pdf, name="request-export-pdf"),
    path("requests/<int:request_id>/close/", views.request_close, name="request-close"),
    path("rectifications/new/", views.rectification_create, name="rectification-create"),
    path("rectifications/<int:rectification_id>/", views.rectification_detail, name="rectification"),
    path("emergency-communications/", views.emergency_register, name="emergency-register"),
    path("emergency-communications/new/", views.emergency_create, name="emergency-create"),
    path("incidents/", views.incidents, name="incidents"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/notice.pdf", views.incident_notice, name="incident-notice"),
]
