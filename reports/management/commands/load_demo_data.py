"""Create the demo accounts of `make run`, and print how to log in.

Idempotent: running it again resets the demo passwords. Refused unless
DEMO_DATA_ALLOWED is on (it is by default only when DEBUG is), so a real
deployment can never get accounts with published passwords.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_TOTP_SECRET
from accounts.models import Role, TOTPDevice, User
from companies.models import AccessLevel, Company, CompanyAccess
from reports.demo import demo_reports

# The demo professional administers this head office of the sample register
# (companies/data/), so its users hear of every SUPER PRIX establishment.
DEMO_COMPANY_SIRET = "81230002800014"

DEMO_ACCOUNTS = [
    # (email, password, first name, last name, role, what it is for)
    (
        "pro@demo.signalconso.test",
        "demo-pro-mot-de-passe",
        "Paule",
        "Durand",
        Role.PRO,
        "professionnel",
    ),
    (
        "agent@dgccrf.finances.gouv.fr",
        "demo-agent-mot-de-passe",
        "Alain",
        "Martin",
        Role.AGENT,
        "agent DGCCRF",
    ),
    (
        "admin@dgccrf.finances.gouv.fr",
        "demo-admin-mot-de-passe",
        "Anne",
        "Bernard",
        Role.ADMIN,
        "administratrice",
    ),
]


class Command(BaseCommand):
    help = "Crée les comptes de démonstration et affiche leurs identifiants."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data is disabled here (DEMO_DATA_ALLOWED is off): "
                "a real deployment never gets accounts with published passwords."
            )
        with transaction.atomic():
            for email, password, first_name, last_name, role, _purpose in DEMO_ACCOUNTS:
                user = User.objects.filter(email=email).first() or User(email=email)
                user.first_name, user.last_name, user.role = first_name, last_name, role
                user.is_active = True
                user.is_superuser = role == Role.ADMIN
                user.set_password(password)
                user.save()
                if user.is_administration_staff:
                    TOTPDevice.objects.update_or_create(
                        user=user,
                        defaults={"secret": DEMO_TOTP_SECRET, "confirmed_at": timezone.now(), "last_step": 0},
                    )
                company = Company.objects.filter(siret=DEMO_COMPANY_SIRET).first()
                if role == Role.PRO and company is not None:
                    CompanyAccess.objects.get_or_create(
                        company=company, user=user, defaults={"level": AccessLevel.ADMIN}
                    )

        reports = demo_reports()
        if reports:
            self.stdout.write(f"{reports} signalements de démonstration créés sur deux ans.")
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration :"))
        for email, password, _first, _last, _role, purpose in DEMO_ACCOUNTS:
            self.stdout.write(f"  {purpose:<16} {email:<34} mot de passe : {password}")
        self.stdout.write(
            "  Le professionnel administre SUPER PRIX (SIRET 812 300 028 00014, siège) : "
            "les signalements sur ses établissements lui sont envoyés par courriel."
        )
        self.stdout.write(
            f"  L’agent et l’administratrice saisissent ensuite un code d’authentification : "
            f"`make otp` l’affiche (clé TOTP de démonstration : {DEMO_TOTP_SECRET})."
        )
