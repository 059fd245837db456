from django.urls import path

from people.views import casework, consents, file, households, imports, search

app_name = "people"

urlpatterns = [
    path("", search.person_list, name="list"),
    path("new/", search.person_create, name="create"),
    path("<int:person_id>/", file.person_file, name="file"),
    path("<int:person_id>/edit/", file.person_edit, name="edit"),
    path("<int:person_id>/consents/", consents.consent_create, name="consent-create"),
    path("<int:person_id>/consents/<int:consent_id>/withdraw/", consents.consent_withdraw, name="consent-withdraw"),
    path("<int:person_id>/needs/", casework.need_create, name="need-create"),
    path("<int:person_id>/needs/<int:need_id>/", casework.need_update, name="need-update"),
    path("<int:person_id>/milestones/", casework.milestone_create, name="milestone-create"),
    path("<int:person_id>/milestones/schedule/", casework.milestone_schedule, name="milestone-schedule"),
    path("<int:person_id>/interventions/", casework.intervention_create, name="intervention-create"),
    path("<int:person_id>/household/", households.household_create, name="household-create"),
    path(
        "<int:person_id>/household/relationship/",
        households.household_member_update,
        name="household-member-update",
    ),
    path("<int:person_id>/household/contact/", households.household_contact, name="household-contact"),
    path("<int:person_id>/household/leave/", households.household_member_remove, name="household-member-remove"),
    path("households/<int:household_id>/", households.household_detail, name="household"),
    path("households/<int:household_id>/edit/", households.household_update, name="household-update"),
    path("households/<int:household_id>/members/", households.household_member_add, name="household-member-add"),
    path(
        "households/<int:household_id>/members/new/", households.household_member_create, name="household-member-create"
    ),
    path("import/", imports.import_start, name="import"),
    path("import/template/<str:kind>/", imports.import_template, name="import-template"),
    path("import/<str:token>/", imports.import_batch, name="import-batch"),
    path("import/<str:token>/commit/", imports.import_commit, name="import-commit"),
    path("import/<str:token>/discard/", imports.import_discard, name="import-discard"),
]
