"""Print how the demo users sign in with their second factor (run by `make run` after seed_demo)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.accounts.demo import demo_devices
from cases.common.demo import DEMO_USERS, EXTRA_POOL


class Command(BaseCommand):
    help = "Give the demo users of regulator, auditor and admin roles an authenticator key and print it."

    def handle(self, *args, **options):
        if not settings.TWO_FACTOR_REQUIRED:
            self.stdout.write(
                "Two-factor authentication is off in this development server (DEBUG): demo users sign in with "
                "their password only, and every page says so. TWO_FACTOR_REQUIRED=1 make run switches it on."
            )
            return
        usernames = list(DEMO_USERS)
        for role, count in EXTRA_POOL.items():
            usernames += [f"demo-{role}-{n}" for n in range(2, count + 2)]
        self.stdout.write("Demo authenticator keys (add one to a TOTP app, or use the code shown, valid 30 s):")
        for username, key, code in demo_devices(usernames):
            self.stdout.write(f"  {username:<24} key {key}  code now {code}")
