from django.urls import path

from trajectory import casework_views, design_views, views

app_name = "trajectory"

urlpatterns = [
    # A person's path (their file's part, their document).
    path("people/<int:person_id>/", views.my_path, name="my-path"),
    path("people/<int:person_id>/path.pdf", views.my_path_pdf, name="my-path-pdf"),
    # The person last: the person is what the access policy protects (a step is any hub's).
    path("steps/<int:step_id>/people/<int:person_id>/decide/", views.step_decide, name="step-decide"),
    path("steps/<int:step_id>/people/<int:person_id>/clear/", views.step_decision_clear, name="step-clear"),
    path("people/<int:person_id>/version/", views.person_trajectory_update, name="person-version"),
    # Case work around the path.
    path("people/<int:person_id>/assessments/", casework_views.assessment_create, name="assessment-create"),
    path("people/<int:person_id>/interpreters/", casework_views.interpreter_request_create, name="interpreter-create"),
    path(
        "interpreters/<int:interpreter_request_id>/",
        casework_views.interpreter_request_update,
        name="interpreter-update",
    ),
    path("people/<int:person_id>/enrolments/", casework_views.enrolment_create, name="enrolment-create"),
    path("enrolments/<int:enrolment_id>/", casework_views.enrolment_outcome, name="enrolment-outcome"),
    path("complex-situations/", casework_views.complex_situations, name="complex"),
    path("programmes/", casework_views.programmes, name="programmes"),
    path("programmes/<int:programme_id>/", casework_views.programme, name="programme"),
    # The coordinators' design pages.
    path("", design_views.design, name="design"),
    path("draft/", design_views.draft_open, name="draft-open"),
    path("versions/<int:trajectory_id>/publish/", design_views.publish, name="publish"),
    path("versions/<int:trajectory_id>/phases/", design_views.phase_create, name="phase-create"),
    path("phases/<int:phase_id>/", design_views.phase_edit, name="phase-edit"),
    path("phases/<int:phase_id>/steps/new/", design_views.step_edit, name="step-create"),
    path("steps/<int:pk>/", design_views.step_edit, name="step-edit"),
    path("entitlements/", design_views.entitlements, name="entitlements"),
    path("entitlements/new/", design_views.entitlement_edit, name="entitlement-create"),
    path("entitlements/<int:entitlement_id>/", design_views.entitlement_edit, name="entitlement-edit"),
    path("guides/", design_views.guides, name="guides"),
    path("guides/new/", design_views.guide_edit, name="guide-create"),
    path("guides/<int:guide_id>/", design_views.guide_edit, name="guide-edit"),
    path("deadline-rules/", design_views.deadline_rules, name="deadline-rules"),
    path("deadline-rules/new/", design_views.deadline_rule_edit, name="deadline-rule-create"),
    path("deadline-rules/<int:rule_id>/", design_views.deadline_rule_edit, name="deadline-rule-edit"),
]
