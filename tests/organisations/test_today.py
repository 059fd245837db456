"""The home page as "Today, per role": each role's items, the empty state, only what the user
may see, the liaison's figures through the reports' suppression, and a bounded number of queries."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from housing import services as housing_services
from organisations.choices import OrganisationKind, Role
from privacy import services as privacy_services
from privacy.choices import RequestChannel, RequestKind
from referrals import services as referral_services
from referrals.selectors import inbox_counts
from tests import factories
from tests.auth import login
from tests.housing.world import build_housing_world
from tests.reports.world import build_reports_world
from trajectory import services as trajectory_services


def today_page(user) -> str:
    client = Client()
    login(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def item(html: str, label: str) -> str:
    """The count shown before ``label`` on the page."""
    before = html.split(f'<span class="today-item__label">{label}</span>')[0]
    return before.rsplit('<span class="today-item__count">', 1)[1].split("</span>")[0]


@pytest.fixture
def referral_world(db):
    hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
    partner = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Emploi Sud")
    worker = factories.member(hub, Role.WORKER, language="en-ca")
    agent = factories.member(partner, Role.WORKER, language="en-ca")
    person = factories.person(hub, actor=worker, given_names="María José", family_names="García")
    referral = factories.referral(hub, partner, person=person, actor=worker)
    return hub, partner, worker, agent, referral


def ask_information(agent, referral):
    return referral_services.referral_transition(
        actor=agent, referral=referral, action="request_info", expected_version=referral.version, note="Date?"
    )


def test_hub_worker_sees_the_answers_owed_one_tap_from_the_referral(referral_world):
    hub, partner, worker, agent, referral = referral_world
    html = today_page(worker)
    assert item(html, "Waiting for the partners") == "1"
    assert item(html, "Answers you owe a partner") == "0"
    ask_information(agent, referral)
    html = today_page(worker)
    assert item(html, "Answers you owe a partner") == "1"
    assert item(html, "Waiting for the partners") == "0"
    assert f'href="{reverse("referrals:detail", args=[referral.pk])}"' in html
    assert "María José García, for Emploi Sud" in html


def test_partner_agent_sees_new_waiting_and_overdue(referral_world):
    hub, partner, worker, agent, referral = referral_world
    html = today_page(agent)
    assert "Referrals received by Emploi Sud" in html
    assert item(html, "New") == "1"
    # The inbox's "Waiting for me": same words, same count, same tab.
    assert item(html, "Waiting for me") == "1"
    assert item(html, "Waiting for me") == str(inbox_counts(user=agent, organisation_id=partner.pk)["waiting"])
    assert f"organisation={partner.pk}&amp;tab=waiting" in html
    # The new referral is listed by name, one tap from its page.
    assert reverse("referrals:detail", args=[referral.pk]) in html
    assert "Answers you owe a partner" not in html  # the hub's part, not the partner's


def test_every_link_of_the_today_page_opens_a_page(referral_world):
    """No link of the today page is a form's address (a GET there answers 405) or a dead end."""
    hub, partner, worker, agent, referral = referral_world
    for user in (worker, agent, factories.member(hub, Role.COORDINATOR)):
        client = Client()
        login(client, user)
        html = client.get(reverse("home")).content.decode()
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        links = {link.split("#")[0].replace("&amp;", "&") for link in re.findall(r'href="(/[^"]*)"', main)}
        assert links
        for link in links:
            assert client.get(link).status_code == 200, link


def test_only_what_the_user_may_see(referral_world):
    hub, partner, worker, agent, referral = referral_world
    ask_information(agent, referral)
    other_hub = factories.organisation(kind=OrganisationKind.HUB)
    stranger = factories.member(other_hub, Role.WORKER, language="en-ca")
    html = today_page(stranger)
    assert "Nothing waiting here today." in html
    assert "García" not in html
    # Someone without a case role gets no case-work sections at all.
    admin_html = today_page(factories.member(hub, Role.PRIVACY_OFFICER, language="en-ca"))
    assert "Answers you owe a partner" not in admin_html
    assert "today-section" not in today_page(factories.user(language="en-ca"))


def test_empty_state(db):
    hub = factories.organisation(kind=OrganisationKind.HUB)
    html = today_page(factories.member(hub, Role.WORKER, language="en-ca"))
    assert "Nothing waiting here today." in html
    assert "Answers you owe a partner" not in html  # zeros are folded when nothing waits


def test_hub_and_provider_see_tonight_arrivals(db):
    world = build_housing_world()
    for user in (world.hub_worker, world.provider_staff):
        user.preferred_language = "en-ca"
        user.save()
    housing_services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[0].pk],
        person=world.person,
        expected_arrival_at=timezone.now(),
    )
    hub_html = today_page(world.hub_worker)
    assert item(hub_html, "Arrivals expected tonight") == "1"
    # The section with work comes before those where nothing waits.
    assert hub_html.index("Arrivals expected tonight") < hub_html.index("Nothing waiting here today.")
    provider_html = today_page(world.provider_staff)
    assert item(provider_html, "Arrivals tonight") == "1"
    assert item(provider_html, "Arrivals tomorrow") == "0"
    assert item(provider_html, "Sites whose beds are not confirmed today") == "1"
    assert "Arrivals expected tonight" not in provider_html


def test_liaison_sees_no_count_of_one_to_four(db):
    world = build_housing_world()
    housing_services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[0].pk],
        person=world.person,
        expected_arrival_at=timezone.now(),
    )
    city = factories.organisation(kind=OrganisationKind.CITY)
    liaison = factories.member(city, Role.LIAISON, language="en-ca")
    html = today_page(liaison)
    assert "Today across the hubs" in html
    assert item(html, "Beds held now") == "&lt;5"
    assert item(html, "Beds free now") == "&lt;5"  # four free beds
    counts = [part.split("</span>")[0] for part in html.split('<span class="today-item__count">')[1:]]
    assert counts and not {"1", "2", "3", "4"} & set(counts)
    assert "Answers you owe a partner" not in html


def test_privacy_officer_sees_open_requests_and_deadlines(network):
    officer = network.a[Role.PRIVACY_OFFICER]
    officer.preferred_language = "en-ca"
    officer.save()
    person = factories.person(network.a.organisation)
    request = privacy_services.request_record(
        actor=officer,
        person=person,
        kind=RequestKind.ACCESS,
        received_on=timezone.localdate(),
        channel=RequestChannel.IN_PERSON,
        language="es",
        included_members=[],
    )
    html = today_page(officer)
    assert item(html, "Open requests") == "1"
    assert item(html, "Requests past their deadline") == "0"
    assert f'href="{reverse("privacy:request", args=[request.pk])}"' in html
    assert "Privacy requests" not in today_page(network.b[Role.WORKER])


def test_a_person_with_several_roles_sees_each_part(referral_world):
    hub, partner, worker, agent, referral = referral_world
    from organisations import services as organisation_services

    organisation_services.membership_grant(actor=None, organisation=partner, user=worker, role=Role.WORKER)
    html = today_page(worker)
    assert "Referrals sent by Centre d&#x27;accueil" in html
    assert "Referrals received by Emploi Sud" in html


def test_the_page_reads_a_bounded_number_of_queries(referral_world):
    """The same number of queries for 1 and for 17 referrals and people (with the hub's
    trajectory in force: the people's paths are computed all at once), and not many."""
    hub, partner, worker, agent, referral = referral_world
    trajectory_services.proposed_content_install(
        actor=factories.member(hub, Role.COORDINATOR), organisation=hub, publish=True
    )
    ask_information(agent, referral)
    client = Client()
    login(client, worker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(16):
        ask_information(agent, factories.referral(hub, partner, actor=worker))
    assert queries() == few <= 60


def test_hub_sees_the_referrals_it_received_next_to_those_it_sent(referral_world):
    hub, partner, worker, agent, referral = referral_world
    # The partner refers back to the hub, and another hub refers to it too.
    back = factories.referral(partner, hub, actor=agent)
    other_hub = factories.organisation(kind=OrganisationKind.HUB, name="Autre carrefour")
    factories.referral(other_hub, hub)
    html = today_page(worker)
    assert "Referrals sent by Centre d&#x27;accueil" in html
    assert "Referrals received by Centre d&#x27;accueil" in html
    assert item(html, "Waiting for the partners") == "1"  # the one it sent
    assert item(html, "New") == "2"
    assert item(html, "Waiting for me") == "2"  # the inbox's tab: received, not answered
    referral_services.referral_assign(actor=worker, referral=back, assignee_id=worker.pk, expected_version=back.version)
    html = today_page(worker)
    assert item(html, "New") == "1"
    assert item(html, "Waiting for me") == "2"  # assigned or not, still waiting for an answer
    # The partner's page still shows only its inbox: the referral back is not one it received.
    assert item(today_page(agent), "New") == "1"


def test_liaison_sees_the_month_at_a_glance_through_the_suppression(db):
    """The month's headline figures, as the reports give them to a liaison (suppressed: never
    1 to 4), one tap from the month's report."""
    from reports import services as report_services
    from reports.periods import this_month

    world = build_reports_world()
    people = world.people(3, first_intake_date=timezone.localdate())
    world.interventions([timezone.localdate()] * 3, [[person] for person in people])
    report_services.rollups_refresh(full=True)
    world.liaison.preferred_language = "en-ca"
    world.liaison.save()
    html = today_page(world.liaison)
    assert f"{this_month().label} at a glance" in html
    for label in ("Interventions", "People served", "New people", "Share of Spanish speakers"):
        assert f'<span class="today-item__label">{label}</span>' in html
    assert item(html, "Interventions") in {"&lt;5", "x"}  # three, suppressed
    counts = [part.split("</span>")[0] for part in html.split('<span class="today-item__count">')[1:]]
    assert counts and not {"1", "2", "3", "4"} & set(counts)
    month_report = reverse("reports:dashboard") + "?" + urlencode(this_month().query())
    assert f'href="{month_report.replace("&", "&amp;")}"' in html


def test_the_page_follows_the_streams_its_counts_come_from(referral_world):
    """An organisation's referrals.inbox key for its referral sections, the sites' own
    housing.availability keys for the beds (static/js/today.js fetches the sections again on a
    delta); a page with nothing live loads no script for it."""
    hub, partner, worker, agent, referral = referral_world
    html = today_page(worker)
    assert html.count(f'data-stream="referrals.inbox" data-key="{hub.pk}"') == 1  # sent and received
    assert f'data-key="{partner.pk}"' not in html
    assert "js/today" in html
    assert f'data-stream="referrals.inbox" data-key="{partner.pk}"' in today_page(agent)

    world = build_housing_world()
    for user in (world.hub_worker, world.provider_staff):
        page = today_page(user)
        assert f'data-stream="housing.availability" data-key="{world.site.pk}"' in page

    liaison_page = today_page(factories.member(factories.organisation(kind=OrganisationKind.CITY), Role.LIAISON))
    assert "today-live" not in liaison_page and "js/today" not in liaison_page


def partnership_items(client) -> dict[str, tuple[str, list[str]]]:
    """The home page's partnership items: label → (count shown, rows listed)."""
    sections = client.get(reverse("home")).context["sections"]
    return {
        item.label: (item.display, [entry.label for entry in item.entries])
        for section in sections
        if section.title == "Partnerships"
        for item in section.items
    }


def test_a_partners_admin_learns_of_the_proposal_waiting_and_the_agreement_to_renew(client, network):
    from datetime import timedelta

    from django.utils import translation

    from organisations import services as organisation_services
    from organisations.choices import PartnershipScope

    hub, partner = network.a, network.b
    organisation_services.partnership_propose(
        actor=hub[Role.ADMIN],
        organisation=hub.organisation,
        partner=partner.organisation,
        scope=PartnershipScope.REFERRALS,
    )
    housing = factories.partnership(
        hub.organisation, partner.organisation, PartnershipScope.HOUSING, with_agreement=False
    )
    factories.agreement(housing, reference="EPR-SOON", valid_until=timezone.localdate() + timedelta(days=12))
    factories.agreement(housing, reference="EPR-LATER", valid_until=timezone.localdate() + timedelta(days=90))
    for user in (hub[Role.ADMIN], partner[Role.ADMIN], partner[Role.WORKER]):
        user.preferred_language = "en-ca"
        user.save(update_fields=["preferred_language"])
    login(client, partner[Role.ADMIN])
    with translation.override("en-ca"):
        summary = f"{hub.organisation.name} sends referrals to {partner.organisation.name}."
    assert partnership_items(client) == {
        "Proposals waiting for your answer": ("1", [summary]),
        "Data-sharing agreements to renew within 30 days": ("1", ["EPR-SOON"]),
    }
    # The proposer does not answer its own proposal; both sides renew the agreement.
    login(client, hub[Role.ADMIN])
    items = partnership_items(client)
    assert items["Proposals waiting for your answer"] == ("0", [])
    assert items["Data-sharing agreements to renew within 30 days"] == ("1", ["EPR-SOON"])
    # A worker manages no partnership: no such section.
    login(client, partner[Role.WORKER])
    assert partnership_items(client) == {}
