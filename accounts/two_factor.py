"""Second factors: reading a user's devices (django-otp's TOTP device and static recovery codes)
and what a session has proved. Writes are in ``accounts.services``; who must use a second factor
is the access policy's (``organisations.permissions.two_factor_required``)."""

import secrets
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.permissions import two_factor_required

# TOTP as every authenticator app reads it: SHA-1, 6 digits, 30-second steps, one step of
# tolerance either way (a phone's clock a little off still works).
TOTP_STEP = 30
TOTP_DIGITS = 6
TOTP_TOLERANCE = 1


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(user) -> StaticDevice | None:
    """The user's recovery codes, if any."""
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_needed(user) -> bool:
    """Whether this user's sessions must pass a second factor: those the policy requires it of,
    and anyone who turned it on."""
    return two_factor_required(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_device(session, user) -> Device | None:
    """The device that verified this session of ``user``, if it still exists and is theirs
    (a reset deletes it: the session is then no longer verified)."""
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return None
    device = Device.from_persistent_id(persistent_id)
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    return device


def session_passes_two_factor(session, user) -> bool:
    """Whether this session may act as ``user``: it passed the second factor, or needs none."""
    return session_device(session, user) is not None or not two_factor_needed(user)


def second_step_url(user, next_url: str) -> str:
    """Where a session that still needs the second factor goes: the code page, or the set-up page
    for a user with no authenticator app yet; then on to ``next_url``."""
    step = "two-factor-verify" if totp_device(user) else "two-factor-setup"
    return f"{reverse(step)}?{urlencode({'next': next_url})}"


def new_totp_key() -> str:
    """A new secret key, hex-encoded as django-otp stores it (20 random bytes)."""
    return secrets.token_hex(20)


def key_as_text(key: str) -> str:
    """The key as an authenticator app asks for it when typed: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[start : start + 4] for start in range(0, len(text), 4))


def totp_at(key: str, step: int) -> str:
    """The code of time step ``step`` for ``key`` (tests and the demo command compute codes)."""
    totp = TOTP(unhexlify(key), TOTP_STEP, 0, TOTP_DIGITS)
    totp.time = step * TOTP_STEP
    return f"{totp.token():0{TOTP_DIGITS}d}"


def totp_now(key: str) -> str:
    """The code an authenticator app shows now for ``key``."""
    return f"{TOTP(unhexlify(key), TOTP_STEP, 0, TOTP_DIGITS).token():0{TOTP_DIGITS}d}"


def totp_step_matching(key: str, code: str) -> int | None:
    """The time step at which ``code`` is ``key``'s code (now, or one step either way), else None."""
    totp = TOTP(unhexlify(key), TOTP_STEP, 0, TOTP_DIGITS)
    try:
        token = int(code)
    except (TypeError, ValueError):
        return None
    if not totp.verify(token, tolerance=TOTP_TOLERANCE):
        return None
    return totp.t()  # verify() left the matching step's offset in ``drift``, which t() adds


def setup_url(user, key: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key, step=TOTP_STEP, digits=TOTP_DIGITS).config_url


def qr_code_svg(text: str) -> str:
    """``text`` as a QR code, drawn here as inline SVG: the page makes no outside request. It has a
    ``viewBox`` and no fixed size, so the page's style scales it whole (a fixed width and height
    made a narrower box crop it to its corner, unscannable)."""
    svg = segno.make(text, error="m").svg_inline(scale=5, border=2, title=settings.OTP_TOTP_ISSUER, omitsize=True)
    return mark_safe(svg)  # noqa: S308 - segno's markup of a URL we built


def new_recovery_codes() -> list[str]:
    """Single-use recovery codes of eight letters and digits (django-otp's static tokens)."""
    return [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
