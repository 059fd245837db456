from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:person_id>/", views.person_file, name="file"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/consents/", views.consent_create, name="consent-create"),
    path("<int:person_id>/consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("<int:person_id>/needs/", views.need_create, name="need-create"),
    path("<int:person_id>/needs/<int:need_id>/", views.need_update, name="need-update"),
    path("<int:person_id>/milestones/", views.milestone_create, name="milestone-create"),
    path("<int:person_id>/interventions/", views.intervention_create, name="intervention-create"),
]
