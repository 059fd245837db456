from django.urls import path, re_path

from reports.api import views
from reports.catalogue import SECTIONS

urlpatterns = [
    path("reports/timeseries/", views.TimeSeriesView.as_view(), name="reports-timeseries"),
    path("reports/live/", views.LiveCountersView.as_view(), name="reports-live"),
    # Under housing/ for its clients; the figures are the reports', suppressed like the others.
    path("housing/occupancy/", views.OccupancyView.as_view(), name="housing-occupancy"),
    re_path(
        rf"^reports/(?P<section>{'|'.join(SECTIONS)})/$", views.SectionReportView.as_view(), name="reports-section"
    ),
]
