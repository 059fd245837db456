"""The trajectory in pages: the path on the person file, "My path" in the person's language
(page and PDF) with nothing sensitive unless ticked, what a partner sees with and without the
"service path" consent, and the coordinators' design pages (404 for everyone else)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from organisations.choices import Role
from people import services as people_services
from people.choices import ClaimPathway, DataGroup, MilestoneKind
from people.models import DeadlineRule
from tests import factories
from tests.auth import login
from tests.casework import consent_for
from tests.pdf_text import pdf_text
from tests.trajectory.world import build_path_world, step_named
from trajectory.models import Guide


@pytest.fixture
def world(db):
    world = build_path_world()
    case = world.case
    people_services.person_update(
        actor=case.hub_worker, person=case.person, claim_pathway=ClaimPathway.PORT_OF_ENTRY_AIR, preferred_language="es"
    )
    people_services.milestone_record(
        actor=case.hub_worker,
        person=case.person,
        kind=MilestoneKind.CLAIM_MADE,
        occurred_on=timezone.localdate() - timedelta(days=3),
    )
    return world


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def test_the_person_file_shows_where_the_person_is_and_what_comes_next(world):
    page = client_for(world.case.hub_worker).get(reverse("people:file", args=[world.case.person.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="trajectory"' in html and 'id="trajectory-next"' in html
    assert "Accueil à la Passerelle" in html  # the page's language (French)
    assert reverse("trajectory:my-path", args=[world.case.person.pk]) in html


def test_my_path_is_in_the_persons_language_and_leaves_the_claim_out_unless_ticked(world):
    client = client_for(world.case.hub_worker)
    url = reverse("trajectory:my-path", args=[world.case.person.pk])
    html = client.get(url).content.decode()
    assert 'lang="es"' in html and "Mi trayecto" in html
    assert "Sus próximos pasos" in html
    # Without the tick, the claim's steps and dates are left out.
    assert "Fundamento de la Solicitud" not in html and "Sus citas y fechas límite" not in html
    assert "Asistencia jurídica" not in html  # the legal-aid step and entitlement say a claim was made
    ticked = client.get(url, {"language": "es", "immigration": "on"}).content.decode()
    assert "Fundamento de la Solicitud de Asilo (FDA) por enviar" in ticked
    assert "Sus citas y fechas límite" in ticked
    # Guides apply by stage: "after your claim" now, not "three ways to claim".
    assert "Después de su solicitud: los primeros 30 días" in ticked
    assert "Tres maneras de pedir asilo" not in ticked
    for language, title in (("fr", "Mon parcours"), ("en", "My path")):
        assert title in client.get(url, {"language": language}).content.decode()


def test_the_pdf_is_readable_text_in_spanish_with_accents(world):
    client = client_for(world.case.hub_worker)
    response = client.get(
        reverse("trajectory:my-path-pdf", args=[world.case.person.pk]), {"language": "es", "immigration": "on"}
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Mi trayecto" in text and "María José García López" in text
    assert "Fundamento de la Solicitud de Asilo (FDA) por enviar" in text
    assert "Después de su solicitud" in text
    without = pdf_text(
        client.get(reverse("trajectory:my-path-pdf", args=[world.case.person.pk]), {"language": "es"}).content
    )
    assert "Fundamento de la Solicitud" not in without


def test_a_guide_missing_in_spanish_says_so_and_shows_the_french(world):
    guide = Guide.objects.get(organisation=world.case.hub, slug="first-30-days")
    guide.body_es = ""
    guide.save()
    html = (
        client_for(world.case.hub_worker)
        .get(reverse("trajectory:my-path", args=[world.case.person.pk]), {"language": "es", "immigration": "on"})
        .content.decode()
    )
    assert "Aún no traducido: se muestra en francés." in html
    assert "Les premières semaines comptent beaucoup." in html


def test_a_partner_sees_the_phase_and_its_own_steps_only_with_the_service_path_consent(world):
    case = world.case
    referral = case.refer()
    partner = client_for(case.partner_agent)
    page = partner.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'id="referral-trajectory"' not in page
    consent = consent_for(case, case.person, case.partner, data_groups=[DataGroup.IDENTITY, DataGroup.TRAJECTORY])
    referral = case.refer(consent=consent, shared_groups=[DataGroup.IDENTITY, DataGroup.TRAJECTORY])
    page = partner.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'id="referral-trajectory"' in page
    assert "Accompagnement vers l&#x27;emploi" in page  # the employment step its referral carries
    assert "Demande d'asile faite" not in page and "Examen médical" not in page  # never the rest
    # The person's file and their document stay a 404 for the partner.
    for name in ("trajectory:my-path", "trajectory:my-path-pdf", "people:file"):
        assert partner.get(reverse(name, args=[case.person.pk])).status_code == 404
    step = step_named(world.trajectory, "Social insurance number")
    assert (
        partner.post(reverse("trajectory:step-decide", args=[step.pk, case.person.pk]), {"state": "done"}).status_code
        == 404
    )


def test_a_worker_records_the_basis_of_claim_and_the_file_proposes_the_next_step(world):
    case = world.case
    client = client_for(case.hub_worker)
    response = client.post(
        reverse("people:milestone-create", args=[case.person.pk]),
        {"kind": MilestoneKind.BOC_SENT, "occurred_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    html = client.get(reverse("people:file", args=[case.person.pk])).content.decode()
    boc = step_named(world.trajectory, "Basis of Claim form sent")
    assert f'data-step="{boc.pk}" data-state="done"' in html


def test_a_step_decision_needs_a_reason_when_the_step_does_not_apply(world):
    case = world.case
    client = client_for(case.hub_worker)
    step = step_named(world.trajectory, "Social insurance number")
    url = reverse("trajectory:step-decide", args=[step.pk, case.person.pk])
    response = client.post(
        url, {"state": "not_applicable", "decided_on": timezone.localdate().isoformat()}, follow=True
    )
    assert "Indiquez pourquoi cette étape ne s" in response.content.decode()
    client.post(url, {"state": "done", "decided_on": timezone.localdate().isoformat()})
    html = client.get(reverse("people:file", args=[case.person.pk])).content.decode()
    assert f'data-step="{step.pk}" data-state="done"' in html


def test_the_design_pages_are_the_coordinators_only(world):
    case = world.case
    coordinator = client_for(world.coordinator)
    for name in ("trajectory:design", "trajectory:entitlements", "trajectory:guides", "trajectory:deadline-rules"):
        assert coordinator.get(reverse(name)).status_code == 200
        for user in (case.hub_worker, case.partner_agent):
            assert client_for(user).get(reverse(name)).status_code == 404
    rule = DeadlineRule.objects.get(trigger=MilestoneKind.CLAIM_MADE, due=MilestoneKind.MEDICAL_EXAM)
    response = coordinator.post(
        reverse("trajectory:deadline-rule-edit", args=[rule.pk]),
        {"trigger": rule.trigger, "due": rule.due, "days": 28, "remind_days_before": 5},
    )
    assert response.status_code == 302
    # Passerelle's rule stays as it was for every other hub; this hub has its own now.
    rule.refresh_from_db()
    assert (rule.days, rule.remind_days_before) == (30, 3)
    own = DeadlineRule.objects.get(organisation=case.hub, trigger=rule.trigger, due=rule.due)
    assert (own.days, own.remind_days_before) == (28, 5)
    for user in (case.hub_worker, factories.member(factories.organisation(kind="hub"), Role.COORDINATOR)):
        response = client_for(user).post(
            reverse("trajectory:deadline-rule-edit", args=[own.pk]),
            {"trigger": rule.trigger, "due": rule.due, "days": 1, "remind_days_before": 1},
        )
        assert response.status_code == 404
    own.refresh_from_db()
    assert own.days == 28
    # This hub's files follow its own rule.
    people_services.milestone_record(
        actor=case.hub_worker, person=case.person, kind=MilestoneKind.CLAIM_MADE, occurred_on=timezone.localdate()
    )
    exam = case.person.milestones.get(kind=MilestoneKind.MEDICAL_EXAM)
    assert exam.due_on == timezone.localdate() + timedelta(days=28)
    # A reminder after the deadline, or rules that go round, are refused in words.
    for data in (
        {"trigger": rule.trigger, "due": rule.due, "days": 10, "remind_days_before": 30},
        {"trigger": MilestoneKind.MEDICAL_EXAM, "due": MilestoneKind.CLAIM_MADE, "days": 10, "remind_days_before": 1},
    ):
        response = coordinator.post(reverse("trajectory:deadline-rule-create"), data)
        assert response.status_code == 200 and "field--error" in response.content.decode()


def test_a_coordinator_changes_a_step_in_a_draft_and_publishes_it(world):
    coordinator = client_for(world.coordinator)
    coordinator.post(reverse("trajectory:draft-open"))
    draft = world.case.hub.trajectories.get(status="draft")
    step = draft.phases.get(position=1).steps.get(position=1)
    page = coordinator.get(reverse("trajectory:step-edit", args=[step.pk]))
    assert page.status_code == 200
    data = {
        "phase": step.phase_id,
        "name_fr": "Premier accueil",
        "name_en": "",
        "name_es": "Primera bienvenida",
        "kind": "hub",
        "intervention_type": "intake_welcome",
        "usual_days": "2",
        "usual_from": "first_intake",
        "position": "1",
        "pathways": ["port_of_entry_air"],
    }
    assert coordinator.post(reverse("trajectory:step-edit", args=[step.pk]), data).status_code == 302
    step.refresh_from_db()
    assert (step.name_fr, step.usual_days, step.pathways) == ("Premier accueil", 2, ["port_of_entry_air"])
    # A step of a hub with no carrier is refused in words, not a 500.
    bad = {**data, "intervention_type": ""}
    response = coordinator.post(reverse("trajectory:step-edit", args=[step.pk]), bad)
    assert response.status_code == 200 and "Indiquez ce qui porte cette étape." in response.content.decode()
    assert coordinator.post(reverse("trajectory:publish", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"  # not without ticking what publishing does
    assert coordinator.post(reverse("trajectory:publish", args=[draft.pk]), {"confirm": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    # The English name is missing: the English page shows the French, marked.
    english = client_for(world.coordinator)
    english.cookies["django_language"] = "en-ca"


def test_the_pdf_is_made_from_the_form_as_it_is_now(world):
    """The PDF button submits the form (language and ticks as they are on screen), never a link
    made when the page was drawn."""
    html = client_for(world.case.hub_worker).get(reverse("trajectory:my-path", args=[world.case.person.pk])).content
    html = html.decode()
    pdf_url = reverse("trajectory:my-path-pdf", args=[world.case.person.pk])
    assert f'formaction="{pdf_url}"' in html and f'href="{pdf_url}' not in html


def test_the_person_file_has_no_id_twice(world):
    """Each form field's label points to its own field (one decision form per step, the
    milestone forms apart)."""
    html = client_for(world.case.hub_worker).get(reverse("people:file", args=[world.case.person.pk])).content
    ids = re.findall(r'\sid="([^"]+)"', html.decode())
    assert len(ids) == len(set(ids)), sorted({found for found in ids if ids.count(found) > 1})


def test_another_hubs_step_is_a_404_as_a_missing_one(world):
    other = build_path_world()
    foreign = step_named(other.trajectory, "Social insurance number")
    client = client_for(world.case.hub_worker)
    for name in ("trajectory:step-decide", "trajectory:step-clear"):
        foreign_answer = client.post(reverse(name, args=[foreign.pk, world.case.person.pk]), {"state": "done"})
        missing_answer = client.post(reverse(name, args=[999999, world.case.person.pk]), {"state": "done"})
        assert foreign_answer.status_code == missing_answer.status_code == 404


def test_the_hubs_today_page_lists_the_steps_overdue_and_those_due_this_week(world):
    """First visit two days ago: the welcome (due that day) is overdue, the needs assessment
    (within 7 days) is due this week; each links to the person's path."""
    case = world.case
    people_services.person_update(
        actor=case.hub_worker, person=case.person, first_intake_date=timezone.localdate() - timedelta(days=2)
    )
    html = client_for(case.hub_worker).get(reverse("home")).content.decode()
    with translation.override("fr-ca"):
        overdue, this_week = gettext("People with a step overdue"), gettext("Next steps this week")
    assert overdue in html and this_week in html
    late_part, week_part = html.split(this_week)[0].split(overdue)[1], html.split(this_week)[1]
    assert "Accueil à la Passerelle" in late_part
    assert "Évaluation de vos besoins" in week_part.split("</ul>")[0]
    assert f"{reverse('people:file', args=[case.person.pk])}#trajectory" in html
