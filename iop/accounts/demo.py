"""Demo users, one per role. Part of `manage.py seed_demo`."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from iop.accounts.roles import Role

DEMO_USERS = [
    # username, first, last, credentials, role, staff
    ("admin", "Ada", "Admin", "", Role.ADMIN, True),
    ("director", "Dana", "Whitfield", "PsyD", Role.DIRECTOR, False),
    ("supervisor", "Sam", "Rivera", "LCSW-S", Role.SUPERVISOR, False),
    ("supervisor2", "Riley", "Okafor", "LCADC", Role.SUPERVISOR, False),
    ("clinician", "Casey", "Morgan", "LPC", Role.CLINICIAN, False),
    ("clinician2", "Jordan", "Lee", "LMFT", Role.CLINICIAN, False),
    ("prescriber", "Priya", "Nair", "MD", Role.CLINICIAN, False),
    ("intake", "Ines", "Ortiz", "", Role.INTAKE, False),
    ("biller", "Bea", "Larkin", "", Role.BILLER, False),
]
# The demo's prescriber (a psychiatrist): medication-management visits and their notes.
PRESCRIBER_CREDENTIALS = {"prescriber": "psychiatrist"}


def seed(*, password, stdout):
    User = get_user_model()
    for username, first, last, credentials, role, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.credentials = first, last, credentials
        user.prescriber_credential = PRESCRIBER_CREDENTIALS.get(username, "")
        user.email = f"{username}@demo.iop.invalid"
        user.is_active = True
        user.is_staff = staff
        user.is_superuser = False
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        stdout.write(f"  {'created' if created else 'updated'} {username} ({role})")
