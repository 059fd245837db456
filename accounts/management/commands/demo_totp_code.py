"""``manage.py demo_totp_code``: the code the demo logins' authenticator app shows now."""

from django.core.management.base import BaseCommand

from accounts import two_factor
from accounts.demo import DEMO_TOTP_KEY, DEMO_TOTP_KEY_TEXT


class Command(BaseCommand):
    help = "Print the current two-step verification code of the demo logins (demo key only)."

    def add_arguments(self, parser):
        parser.add_argument("--key", action="store_true", help="Also say how to add the demo key to an app.")

    def handle(self, *args, key: bool, **options):
        code = two_factor.totp_now(DEMO_TOTP_KEY)
        if not key:
            self.stdout.write(code)
            return
        self.stdout.write("Two-step verification of the demo logins (all but the city liaison):")
        self.stdout.write(f"  key for an authenticator app: {DEMO_TOTP_KEY_TEXT}")
        self.stdout.write(f"  code now: {code}  (later: .venv/bin/python manage.py demo_totp_code)")
