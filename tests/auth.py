"""Logging in, in tests, the way a person is after the login page: a session that passed the
second factor. ``client.force_login`` alone gives a session that has not, which the pages send to
the second factor (and the API answers with ``two_factor_required``) for most roles.

DRF's ``api.force_authenticate(user)`` skips the authentication classes: it stands for a request
whose credentials already carry the second factor, like an API token (docs/security.md)."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor

# The key of every test user's authenticator app (hex, as django-otp stores it).
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"


def second_factor(user) -> TOTPDevice:
    """The user's confirmed authenticator app, set up with ``TEST_TOTP_KEY`` if they have none."""
    device = two_factor.totp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", key=TEST_TOTP_KEY, confirmed=True)
    return device


def next_code(device: TOTPDevice) -> str:
    """A code ``device`` accepts now. Each code works once: when this time step's code was used
    (a second login within 30 seconds), the next step's, which the device also accepts (one step
    of tolerance); when both were used, wait for the next step."""
    while True:
        device.refresh_from_db()
        step = int(time.time()) // two_factor.TOTP_STEP
        wanted = max(step, device.last_t + 1)
        if wanted <= step + two_factor.TOTP_TOLERANCE:
            return two_factor.totp_at(device.key, wanted)
        time.sleep(1)


def login(client, user) -> None:
    """Log ``client`` in as ``user``, past the second factor."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = second_factor(user).persistent_id
    session.save()
