"""The demo logins' second factor: one published key, so that a newcomer running ``make run`` can
log in (``manage.py demo_totp_code`` prints the current code). Demo data only, like the demo
password."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from organisations.demo import USERS
from organisations.models import User
from organisations.permissions import two_factor_required

# Twenty bytes, hex-encoded as django-otp stores them; typed in an authenticator app as
# DEMO_TOTP_KEY_TEXT (base32).
DEMO_TOTP_KEY = b"Passerelle-demo-2fa!".hex()
DEMO_TOTP_KEY_TEXT = two_factor.key_as_text(DEMO_TOTP_KEY)


def ensure_demo_devices() -> int:
    """Give each demo login whose roles require a second factor an authenticator app with the
    demo key (the city liaison, for whom it is optional, has none). Returns how many were made."""
    created = 0
    for user in User.objects.filter(email__in=[email for email, *_rest in USERS]):
        if two_factor_required(user) and two_factor.totp_device(user) is None:
            TOTPDevice.objects.create(user=user, name="authenticator", key=DEMO_TOTP_KEY, confirmed=True)
            created += 1
    return created
