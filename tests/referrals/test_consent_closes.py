"""Consent that really closes (docs/privacy.md): the free text the hub writes for a partner (the
referral's reason, its thread, its timeline notes, the questions and answers of "information
requested") reaches the partner only while the consent covers it; after a withdrawal or an expiry
the partner sees that the referral exists, its status and dates, and "withdrawn on …" instead, on
every edge: page, API, notification, email not yet sent, websocket. Withdrawing asks for
confirmation and tells the partner, with nothing of the file; a filter on a person the partner may
not see answers as for nobody."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from notifications import services as notification_services
from notifications.kinds import get_kind
from notifications.models import Notification
from notifications.rendering import notification_text
from organisations.models import AuditEntry
from people import services as people_services
from people.models import Consent
from referrals import notifications as referral_notifications
from referrals import services, sharing
from referrals.models import Referral
from tests.auth import login
from tests.referrals.api_world import build_api_world

REASON = "Cherche un emploi en cuisine"
QUESTION = "Quelle est sa disponibilité ?"
ANSWER = "Son conjoint est violent, appelez au 514 555-0123"
NOTE = "Rendez-vous pris lundi"


@pytest.fixture
def world(network):
    """Referral A (hub → partner A) with a question, an answer, a message of the hub and a
    timeline note: every kind of free text a partner can read."""
    world = build_api_world(network)
    referral = world.referral_a
    referral = services.referral_transition(
        actor=world.agent_a, referral=referral, action="request_info", expected_version=referral.version, note=QUESTION
    )
    # The answer goes out by email too, to show the email not yet sent.
    notification_services.preferences_update(
        user=world.agent_a, deliveries={referral_notifications.INFO_ANSWERED: "email"}
    )
    referral = services.referral_transition(
        actor=world.hub_worker, referral=referral, action="answer_info", expected_version=referral.version, note=ANSWER
    )
    referral = services.referral_transition(
        actor=world.agent_a, referral=referral, action="accept", expected_version=referral.version
    )
    services.referral_transition(
        actor=world.agent_a, referral=referral, action="start", expected_version=referral.version, note=NOTE
    )
    services.referral_message_post(actor=world.hub_worker, referral=referral, body="Elle parle espagnol")
    return world


def answer_label(world) -> str:
    """The label of the answer's notification, as its email's subject says it."""
    with translation.override(world.agent_a.preferred_language or settings.LANGUAGE_CODE):
        return str(get_kind(referral_notifications.INFO_ANSWERED).label)


def withheld(language: str = settings.LANGUAGE_CODE) -> str:
    """What stands in place of the text after today's withdrawal, in ``language``."""
    with translation.override(language):
        return sharing.withheld_sentence(timezone.localdate())


def withdraw(world):
    return people_services.consent_withdraw(
        actor=world.hub_worker, consent=world.consent_a, method="signed", language="es"
    )


def page(client, user, referral) -> str:
    login(client, user)
    response = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_text_until_the_consent_is_withdrawn(client, world):
    html = page(client, world.agent_a, world.referral_a)
    assert REASON in html and ANSWER in html and "Elle parle espagnol" in html and NOTE in html
    withdraw(world)
    html = page(client, world.agent_a, world.referral_a)
    for text in (REASON, ANSWER, QUESTION, "Elle parle espagnol", NOTE, "514 555-0123"):
        assert text not in html
    assert 'data-testid="text-withheld"' in html and escape(withheld()) in html
    assert 'data-status="in_progress"' in html, "the status stays"
    assert f"/people/{world.person_a.pk}/" not in html
    # The hub still reads what it wrote.
    html = page(client, world.hub_worker, world.referral_a)
    assert REASON in html and ANSWER in html and NOTE in html


def test_the_api_gives_the_text_until_the_consent_is_withdrawn(api, world):
    url = reverse("referral-detail", args=[world.referral_a.pk])
    messages_url = reverse("referral-messages", args=[world.referral_a.pk])
    api.force_authenticate(world.agent_a)
    before = api.get(url).json()
    assert before["reason"] == REASON and before["text_withheld_on"] is None
    assert ANSWER in [message["body"] for message in api.get(messages_url).json()]
    assert NOTE in [event["note"] for event in before["events"]]
    withdraw(world)
    after = api.get(url).json()
    assert after["status"] == "in_progress" and after["sent_at"] and after["accepted_at"]
    assert after["reason"] == "" and after["outcome"] == ""
    assert after["text_withheld_on"] == timezone.localdate().isoformat()
    assert {event["note"] for event in after["events"]} == {""}
    assert {message["body"] for message in after["messages"]} == {""}
    thread = api.get(messages_url).json()
    assert {message["body"] for message in thread} == {""}
    assert {message["withheld_on"] for message in thread} == {timezone.localdate().isoformat()}
    for text in (REASON, ANSWER, QUESTION, NOTE, "514 555-0123", "María"):
        assert text not in str(after)
    assert after["person"] == {"groups": [], "redacted": True}, "no id of the person"
    api.force_authenticate(world.hub_worker)
    assert api.get(url).json()["reason"] == REASON


def test_an_expired_consent_withholds_the_text_from_its_last_day(api, world):
    yesterday = timezone.localdate() - timedelta(days=1)
    Consent.objects.filter(pk=world.consent_a.pk).update(
        valid_from=yesterday - timedelta(days=30), valid_until=yesterday
    )
    api.force_authenticate(world.agent_a)
    data = api.get(reverse("referral-detail", args=[world.referral_a.pk])).json()
    assert data["reason"] == "" and data["text_withheld_on"] == yesterday.isoformat()


def test_the_in_app_notification_quotes_the_answer_until_the_consent_is_withdrawn(world):
    notification = Notification.objects.get(recipient=world.agent_a, kind=referral_notifications.INFO_ANSWERED)
    assert ANSWER in notification_text(notification)
    withdraw(world)
    text = notification_text(notification)
    assert ANSWER not in text and "514 555-0123" not in text and withheld(translation.get_language()) in text


def test_an_email_not_yet_sent_is_written_without_the_text(world):
    assert not mail.outbox
    withdraw(world)
    assert notification_services.outbox_send_due() >= 1
    [answered] = [message for message in mail.outbox if answer_label(world) in message.subject]
    assert answered.to == [world.agent_a.email]
    body = answered.body + answered.alternatives[0][0]
    assert ANSWER not in body and "514 555-0123" not in body
    assert withheld(world.agent_a.preferred_language or settings.LANGUAGE_CODE) in body


def test_an_email_sent_before_the_withdrawal_quoted_the_answer(world):
    notification_services.outbox_send_due()
    [answered] = [message for message in mail.outbox if answer_label(world) in message.subject]
    assert ANSWER in answered.body


def test_the_withdrawal_is_recorded_and_told_to_the_partner_with_nothing_of_the_file(world):
    version = Referral.objects.get(pk=world.referral_a.pk).version
    consent = withdraw(world)
    assert (consent.withdrawn_by, consent.withdrawal_method, consent.withdrawal_language) == (
        world.hub_worker,
        "signed",
        "es",
    )
    entry = AuditEntry.objects.get(action="people.consent.withdrawn")
    assert entry.details["method"] == "signed" and entry.details["language"] == "es"
    # The open pages redraw it: its version moved.
    assert Referral.objects.get(pk=world.referral_a.pk).version == version + 1
    told = Notification.objects.filter(kind=referral_notifications.CONSENT_WITHDRAWN)
    assert world.agent_a in {notification.recipient for notification in told}
    told = told.get(recipient=world.agent_a)
    assert told.organisation == world.partner_a.organisation
    assert set(told.params) == {"number", "sender"}
    text = notification_text(told)
    assert str(world.referral_a.pk) in text and "García" not in text and "María" not in text
    assert not Notification.objects.filter(kind=referral_notifications.CONSENT_WITHDRAWN, recipient=world.agent_b)


def test_a_filter_on_a_person_the_partner_may_not_see_answers_as_for_nobody(api, world):
    url = reverse("referral-list")
    api.force_authenticate(world.agent_a)
    nobody = api.get(url, {"person": 999_999})
    assert nobody.status_code == 200 and nobody.json()["results"] == []
    before = api.get(url, {"person": world.person_a.pk})
    assert (before.status_code, before.json()) == (nobody.status_code, nobody.json())
    withdraw(world)
    after = api.get(url, {"person": world.person_a.pk})
    assert (after.status_code, after.json()) == (nobody.status_code, nobody.json())
    api.force_authenticate(world.hub_worker)
    assert [row["id"] for row in api.get(url, {"person": world.person_a.pk}).json()["results"]] == [world.referral_a.pk]


def test_a_redacted_referral_links_to_no_earlier_referral_of_the_person(api, world):
    Referral.objects.filter(pk=world.referral_a.pk).update(re_referral_of=world.referral_b)
    api.force_authenticate(world.agent_a)
    assert (
        api.get(reverse("referral-detail", args=[world.referral_a.pk])).json()["re_referral_of"] == world.referral_b.pk
    )
    withdraw(world)
    assert api.get(reverse("referral-detail", args=[world.referral_a.pk])).json()["re_referral_of"] is None
