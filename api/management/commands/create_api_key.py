from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from api import services


class Command(BaseCommand):
    help = (
        "Create an API key for the organisation of an applicant user, acting as that user (the same rule as the "
        "API keys page); prints the key once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", required=True, help="an applicant member of the organisation, e.g. demo-applicant"
        )
        parser.add_argument("--name", default="API key")
        parser.add_argument("--scopes", default="read", help="comma-separated: read, submit")
        parser.add_argument("--expires", type=date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None or not user.organisations.exists():
            raise CommandError(f"{options['user']} is not a member of any organisation.")
        try:
            account = services.organisation_account(organisation=user.organisations.first(), actor=user)
            _key, raw = services.api_key_create(
                account=account,
                actor=user,
                name=options["name"],
                scopes=[scope.strip() for scope in options["scopes"].split(",") if scope.strip()],
                expires_on=options["expires"],
            )
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        self.stdout.write(raw)
