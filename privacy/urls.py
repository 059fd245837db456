from django.urls import path

from privacy.views import rectifications, registers, requests

app_name = "privacy"

urlpatterns = [
    path("", requests.desk, name="desk"),
    path("requests/new/", requests.request_create, name="request-create"),
    path("requests/<int:request_id>/", requests.request_detail, name="request"),
    path("requests/<int:request_id>/export.json", requests.request_export_json, name="request-export-json"),
    path("requests/<int:request_id>/export.pdf", requests.request_export_pdf, name="request-export-pdf"),
    path("requests/<int:request_id>/close/", requests.request_close, name="request-close"),
    path("rectifications/new/", rectifications.rectification_create, name="rectification-create"),
    path("rectifications/<int:rectification_id>/", rectifications.rectification_detail, name="rectification"),
    path("emergency-communications/", registers.emergency_register, name="emergency-register"),
    path("emergency-communications/new/", registers.emergency_create, name="emergency-create"),
    path("incidents/", registers.incidents, name="incidents"),
    path("incidents/<int:incident_id>/", registers.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/notice.pdf", registers.incident_notice, name="incident-notice"),
]
