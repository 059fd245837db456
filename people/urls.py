from django.urls import path

from people import import_views, views

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
    path("<int:person_id>/milestones/schedule/", views.milestone_schedule, name="milestone-schedule"),
    path("<int:person_id>/interventions/", views.intervention_create, name="intervention-create"),
    path("<int:person_id>/household/", views.household_create, name="household-create"),
    path(
        "<int:person_id>/household/relationship/",
        views.household_member_update,
        name="household-member-update",
    ),
    path("<int:person_id>/household/contact/", views.household_contact, name="household-contact"),
    path("<int:person_id>/household/leave/", views.household_member_remove, name="household-member-remove"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("households/<int:household_id>/edit/", views.household_update, name="household-update"),
    path("households/<int:household_id>/members/", views.household_member_add, name="household-member-add"),
    path("households/<int:household_id>/members/new/", views.household_member_create, name="household-member-create"),
    path("import/", import_views.import_start, name="import"),
    path("import/template/<str:kind>/", import_views.import_template, name="import-template"),
    path("import/<str:token>/", import_views.import_batch, name="import-batch"),
    path("import/<str:token>/commit/", import_views.import_commit, name="import-commit"),
    path("import/<str:token>/discard/", import_views.import_discard, name="import-discard"),
]
