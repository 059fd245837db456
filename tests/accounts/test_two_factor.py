"""Two-step verification: set-up, login with a code or a recovery code, who must use it (pages,
API, admin site; the websocket is in test_sockets.py), turning it off, the admin's reset."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import ApiToken
from accounts.notifications import TWO_FACTOR_RESET
from accounts.views import SETUP_KEY
from notifications.models import Notification
from organisations.choices import Role
from organisations.models import AuditEntry, Membership
from tests import factories
from tests.auth import login, next_code, second_factor


def password_login(client, user, next_url: str = "/"):
    return client.post(reverse("login"), {"username": user.email, "password": factories.PASSWORD, "next": next_url})


def error_next_to_code(response) -> str:
    match = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


@pytest.fixture
def worker(network):
    return network.a[Role.WORKER]


def test_first_login_of_a_worker_sets_up_the_app_and_gets_recovery_codes(client, worker):
    response = password_login(client, worker, "/people/")
    setup = f"{reverse('two-factor-setup')}?next=%2Fpeople%2F"
    assert response["Location"] == setup
    assert client.get("/people/")["Location"] == setup

    page = client.get(setup)
    html = page.content.decode()
    assert "<svg" in html and 'class="segno"' in html  # the QR code, drawn here
    key = client.session[SETUP_KEY]
    assert two_factor.key_as_text(key) in html  # the key, for typing
    assert "http" not in re.search(r"<svg.*?</svg>", html, re.S).group(0).replace("http://www.w3.org", "")

    wrong = client.post(setup, {"code": "000000", "next": "/people/"})
    assert "ne correspond pas" in error_next_to_code(wrong)
    assert not TOTPDevice.objects.filter(user=worker).exists()

    done = client.post(setup, {"code": two_factor.totp_now(key), "next": "/people/"})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert set(StaticDevice.objects.get(user=worker).token_set.values_list("token", flat=True)) == set(codes)
    assert TOTPDevice.objects.get(user=worker, confirmed=True).key == key
    assert AuditEntry.objects.filter(actor=worker, action="accounts.two_factor.enabled").exists()
    assert client.get("/people/").status_code == 200


def test_a_password_alone_cannot_replace_the_authenticator_app(client, worker):
    device = second_factor(worker)
    password_login(client, worker)
    setup = reverse("two-factor-setup")
    assert client.get(setup)["Location"].startswith(reverse("two-factor-verify"))
    assert client.post(setup, {"code": "123456"})["Location"].startswith(reverse("two-factor-verify"))
    assert list(TOTPDevice.objects.filter(user=worker)) == [device]


def test_login_with_a_code_which_works_once(client, worker):
    device = second_factor(worker)
    verify = password_login(client, worker)["Location"]
    assert verify.startswith(reverse("two-factor-verify"))
    assert client.get(reverse("home"))["Location"] == verify

    wrong = client.post(verify, {"code": "123456", "next": "/"})
    assert wrong.status_code == 200 and "pas valide" in error_next_to_code(wrong)
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        code = next_code(device)
        assert client.post(verify, {"code": code, "next": "/"})["Location"] == "/"
        assert client.get(reverse("home")).status_code == 200

        other = type(client)()
        password_login(other, worker)
        replay = other.post(verify, {"code": code, "next": "/"})
        assert "pas valide" in error_next_to_code(replay)


def test_wrong_codes_are_throttled(client, worker):
    device = second_factor(worker)
    verify = password_login(client, worker)["Location"]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            client.post(verify, {"code": "000000"})
            clock.shift(timedelta(milliseconds=100))
        refused = client.post(verify, {"code": next_code(device)})
        assert "Attendez" in error_next_to_code(refused)
        assert client.get(reverse("home")).status_code == 302
        clock.shift(timedelta(seconds=4))
        assert client.post(verify, {"code": next_code(device), "next": "/"})["Location"] == "/"


def test_login_with_a_recovery_code_which_works_once(client, worker):
    second_factor(worker)
    recovery = StaticDevice.objects.create(user=worker, name="recovery", confirmed=True)
    recovery.token_set.create(token="abcd2345")
    verify = password_login(client, worker)["Location"]
    assert client.post(verify, {"code": "ABCD 2345", "next": "/"})["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200
    assert AuditEntry.objects.filter(actor=worker, action="accounts.two_factor.recovery_code_used").exists()

    other = type(client)()
    password_login(other, worker)
    assert "pas valide" in error_next_to_code(other.post(verify, {"code": "abcd2345"}))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.WORKER, Role.PRIVACY_OFFICER])
def test_roles_that_read_files_or_the_audit_log_are_held_until_set_up(client, api, network, role):
    user = network.a[role]
    client.force_login(user)  # password only
    assert client.get(reverse("home"))["Location"].startswith(reverse("two-factor-setup"))
    assert client.get(reverse("directory")).status_code == 302
    response = client.get(reverse("api-me"))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Entrez d'abord le code de votre deuxième facteur : reconnectez-vous sur la page Web.",
        "code": "two_factor_required",
    }
    # Logging out, switching languages and the set-up page itself stay reachable; the set-up page
    # opens no websocket (it would be refused).
    setup = client.get(reverse("two-factor-setup"))
    assert setup.status_code == 200 and "js/live.js" not in setup.content.decode()
    assert client.post(reverse("language-switch"), {"language": "es-419", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302


def test_a_liaison_may_go_without_and_may_turn_it_on_and_off(client, network):
    liaison = network.a[Role.LIAISON]
    client.force_login(liaison)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("api-me")).status_code == 200

    client.get(reverse("two-factor-setup"))
    key = client.session[SETUP_KEY]
    client.post(reverse("two-factor-setup"), {"code": two_factor.totp_now(key)})
    assert client.get(reverse("home")).status_code == 200  # this session passed it

    other = type(client)()
    assert password_login(other, liaison)["Location"].startswith(reverse("two-factor-verify"))

    device = TOTPDevice.objects.get(user=liaison)
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        response = client.post(reverse("two-factor-disable"), {"code": next_code(device)})
    assert response["Location"] == reverse("two-factor")
    assert not TOTPDevice.objects.filter(user=liaison).exists()
    assert AuditEntry.objects.filter(actor=liaison, action="accounts.two_factor.disabled").exists()


def test_a_required_role_cannot_turn_it_off(client, worker):
    login(client, worker)
    device = second_factor(worker)
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        response = client.post(reverse("two-factor-disable"), {"code": next_code(device)})
    assert response.status_code == 400
    assert "ne peut pas être désactivée" in response.content.decode()
    assert TOTPDevice.objects.filter(user=worker).exists()


def test_new_recovery_codes_replace_the_old_ones(client, worker):
    login(client, worker)
    first = client.post(reverse("two-factor-recovery-codes"))
    second = client.post(reverse("two-factor-recovery-codes"))
    old = set(re.findall(r"<li>([a-z2-7]{8})</li>", first.content.decode()))
    new = set(re.findall(r"<li>([a-z2-7]{8})</li>", second.content.decode()))
    assert len(new) == 10 and not old & new
    assert set(StaticDevice.objects.get(user=worker).token_set.values_list("token", flat=True)) == new


def test_staff_must_pass_it_for_the_admin_site(client, db):
    staff = factories.user(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/")["Location"].startswith(reverse("two-factor-setup"))
    login(client, staff)
    assert client.get("/admin/").status_code == 200


def test_an_organisation_admin_resets_a_members_second_factor(client, network, worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin = network.a[Role.ADMIN]
    member_client = type(client)()
    login(member_client, worker)
    ApiToken.objects.create(user=worker, name="script")
    membership = Membership.objects.get(user=worker, organisation=network.a.organisation)

    login(client, admin)
    assert reverse("members") in client.get(reverse("profile")).content.decode()
    page = client.get(reverse("members")).content.decode()
    reset_url = reverse("member-two-factor-reset", args=[membership.pk])
    assert reset_url in page
    response = client.post(reset_url)
    assert response["Location"] == reverse("members")

    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert not ApiToken.objects.filter(user=worker).exists()
    assert member_client.get(reverse("home"))["Location"].startswith(reverse("login"))  # logged out
    entry = AuditEntry.objects.get(action="accounts.two_factor.reset")
    assert (entry.actor, entry.organisation, entry.object_id) == (admin, network.a.organisation, str(worker.pk))
    assert Notification.objects.filter(recipient=worker, kind=TWO_FACTOR_RESET).exists()
    assert client.get(reverse("home")).status_code == 200  # the admin's own session goes on


def test_only_the_members_admins_may_reset(client, api, network, worker):
    second_factor(worker)
    membership = Membership.objects.get(user=worker, organisation=network.a.organisation)
    for someone in (network.b[Role.ADMIN], network.a[Role.COORDINATOR], network.a[Role.WORKER]):
        login(client, someone)
        manages_members = someone == network.b[Role.ADMIN]  # of the other organisation
        assert (reverse("members") in client.get(reverse("profile")).content.decode()) == manages_members
        assert client.post(reverse("member-two-factor-reset", args=[membership.pk])).status_code == 404
        api.force_authenticate(someone)
        response = api.post(reverse("api-two-factor-reset"), {"membership": membership.pk}, format="json")
        assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=worker).exists()

    api.force_authenticate(network.a[Role.ADMIN])
    response = api.post(reverse("api-two-factor-reset"), {"membership": membership.pk}, format="json")
    assert response.status_code == 204
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert AuditEntry.objects.filter(action="accounts.two_factor.reset", actor=network.a[Role.ADMIN]).exists()


def test_an_admin_cannot_reset_a_member_who_also_works_for_another_organisation(client, api, network, worker):
    """The second factor guards the whole account: the admin of one organisation may not lower it
    for the member's work in another. The page and the API refuse, saying to ask the staff."""
    from organisations import services as organisation_services

    second_factor(worker)
    organisation_services.membership_grant(
        actor=None, organisation=network.b.organisation, user=worker, role=Role.WORKER
    )
    membership = Membership.objects.get(user=worker, organisation=network.a.organisation)
    admin = network.a[Role.ADMIN]

    api.force_authenticate(admin)
    response = api.post(reverse("api-two-factor-reset"), {"membership": membership.pk}, format="json")
    assert (response.status_code, response.json()["code"]) == (422, "roles_elsewhere")
    assert "platform" in response.json()["detail"] or "plateforme" in response.json()["detail"]

    login(client, admin)
    page = client.post(reverse("member-two-factor-reset", args=[membership.pk]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("members")
    assert "plateforme" in page.content.decode()  # the refusal, in the admin's language
    assert TOTPDevice.objects.filter(user=worker).exists()
    assert not AuditEntry.objects.filter(action="accounts.two_factor.reset").exists()

    # Once the role elsewhere has ended, the organisation's admin may reset again.
    organisation_services.membership_end(
        actor=None, membership=Membership.objects.get(user=worker, organisation=network.b.organisation)
    )
    response = api.post(reverse("api-two-factor-reset"), {"membership": membership.pk}, format="json")
    assert response.status_code == 204
    assert not TOTPDevice.objects.filter(user=worker).exists()


def test_a_superuser_resets_any_account_in_the_django_admin(client, network, worker):
    from accounts.notifications import TWO_FACTOR_RESET_BY_STAFF
    from organisations import services as organisation_services

    second_factor(worker)
    organisation_services.membership_grant(
        actor=None, organisation=network.b.organisation, user=worker, role=Role.WORKER
    )
    ApiToken.objects.create(user=worker, name="script")
    staff = factories.user(is_staff=True, is_superuser=True)
    login(client, staff)
    response = client.post(
        reverse("admin:organisations_user_changelist"),
        {"action": "two_factor_reset", "_selected_action": [worker.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert not ApiToken.objects.filter(user=worker).exists()
    entry = AuditEntry.objects.get(action="accounts.two_factor.reset")
    assert (entry.actor, entry.organisation, entry.object_id) == (staff, None, str(worker.pk))
    assert Notification.objects.filter(recipient=worker, kind=TWO_FACTOR_RESET_BY_STAFF).exists()


def test_staff_who_are_not_superusers_get_no_reset(client, worker):
    from accounts import services

    second_factor(worker)
    staff = factories.user(is_staff=True)
    with pytest.raises(Exception) as refused:
        services.two_factor_reset_by_staff(actor=staff, user=worker)
    assert refused.type.__name__ == "NotFoundError"
    assert TOTPDevice.objects.filter(user=worker).exists()
