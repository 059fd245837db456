from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("funder-report/", views.funder_report, name="funder-report"),
    path("funder-report.pdf", views.funder_report_pdf, name="funder-report-pdf"),
    path("export/<slug:section>.csv", views.export_csv, name="export"),
    path("trajectory/", views.trajectory_report, name="trajectory"),
]
