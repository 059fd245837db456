"""The demo stays usable: its logins that need a second factor share one published key, whose
current code a command prints."""

from io import StringIO

from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.demo import DEMO_TOTP_KEY, DEMO_TOTP_KEY_TEXT
from organisations.choices import Role
from organisations.demo import USERS


def test_demo_logins_get_the_demo_key_and_the_command_prints_its_code(db):
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    with_device = set(
        TOTPDevice.objects.filter(key=DEMO_TOTP_KEY, confirmed=True).values_list("user__email", flat=True)
    )
    assert with_device == {email for email, *_rest, role, _purpose in USERS if role != Role.LIAISON}

    output = StringIO()
    call_command("demo_totp_code", "--key", stdout=output)
    assert DEMO_TOTP_KEY_TEXT in output.getvalue()
    assert f"code now: {two_factor.totp_now(DEMO_TOTP_KEY)}" in output.getvalue()
