"""``make run``: make sure there is an admin superuser and print a password that works.

The first run creates ``admin@<city>.example`` with a verified e-mail address; every run sets a
new random password and prints it, so the printed one always works and nothing is stored in the
repository. Staff need multi-factor authentication before the admin opens
(``portal.middleware.StaffMFAMiddleware``): the first sign-in asks to set up an authenticator app.
"""

import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


def admin_email():
    return f"admin@{settings.CITY}.example"


class Command(BaseCommand):
    help = "Create the admin superuser once, set a new random password and print it."

    def add_arguments(self, parser):
        parser.add_argument("--email", default=None, help="The admin's e-mail (default admin@<CITY>.example).")
        parser.add_argument("--site-url", default=None, help="The address to print (default SITE_URL).")

    @transaction.atomic
    def handle(self, *args, email=None, site_url=None, **options):
        email = (email or admin_email()).lower()
        password = secrets.token_urlsafe(12)
        user_model = get_user_model()
        user = user_model.objects.filter(email__iexact=email).first()
        created = user is None
        if created:
            user = user_model(username=email, email=email)
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(password)
        user.save()
        EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
        address, _ = EmailAddress.objects.get_or_create(user=user, email=email)
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Admin user " + ("created" if created else "ready, with a new password")))
        self.stdout.write(f"  Sign in at  {(site_url or settings.SITE_URL).rstrip('/')}/admin/")
        self.stdout.write(f"  E-mail      {email}")
        self.stdout.write(f"  Password    {password}")
        self.stdout.write(
            "  Staff must use two-factor authentication: at the first sign-in you confirm the password\n"
            "  once more and set up an authenticator app (TOTP, e.g. FreeOTP, Aegis or Google\n"
            "  Authenticator) before the admin opens. Keep the recovery codes it shows.\n"
            "  Each run of this command sets a new password."
        )
        self.stdout.write("")
