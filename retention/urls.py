from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("holds/", views.legal_hold_set, name="hold-set"),
    path("holds/<int:legal_hold_id>/lift/", views.legal_hold_lift, name="hold-lift"),
]
