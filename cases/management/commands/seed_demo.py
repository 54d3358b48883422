from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cases.common.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Create the demo users, organisations and occupations (idempotent)."

    def handle(self, *args, **options):
        seed_demo()
        self.stdout.write(_("Demo data ready. Users (password %(password)s):") % {"password": DEMO_PASSWORD})
        for username, (role, _last, _first) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<24} {role}")
