from functools import cached_property

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models

from iop.accounts.roles import IMPLIED_ROLES, Role


def display_name(username, first_name, last_name, credentials):
    """How a user is named to others (`User.display_name`), from the columns themselves: for
    lists that read a page's users as plain values instead of a user row each."""
    name = f"{first_name} {last_name}".strip() or username  # AbstractUser.get_full_name
    return f"{name}, {credentials}" if credentials else name


class StaffManager(UserManager):
    def clinical_staff(self):
        """Active supervisors and clinicians: who may run a group, hold a caseload or sign."""
        return self.filter(is_active=True, groups__name__in=Role.CLINICAL).distinct()

    def prescribers(self):
        """Active clinical staff with a prescriber credential: who may be the in-program
        prescriber of a medication and write a medication-management visit note."""
        return self.clinical_staff().exclude(prescriber_credential="")


class RoleGroup(Group):
    """Django's auth group as what it is here, a role (iop.accounts.roles): a proxy, so the
    admin's index, breadcrumbs and counts say "roles"; auth's table is unchanged."""

    class Meta:
        proxy = True
        verbose_name = "role"
        verbose_name_plural = "roles"


class User(AbstractUser):
    """A member of staff. Patients never log in."""

    credentials = models.CharField(
        max_length=60, blank=True, help_text="Shown after the name on signed records, e.g. LCSW."
    )
    is_trainee = models.BooleanField(
        "trainee",
        default=False,
        help_text="A trainee's progress notes need a supervisor's co-signature.",
    )

    class PrescriberCredential(models.TextChoices):
        NONE = "", "Not a prescriber"
        PSYCHIATRIST = "psychiatrist", "Psychiatrist (MD/DO)"
        PHYSICIAN = "physician", "Physician (MD/DO), other specialty"
        NURSE_PRACTITIONER = "np", "Nurse practitioner (NP/PMHNP)"
        PHYSICIAN_ASSISTANT = "pa", "Physician assistant (PA)"

    prescriber_credential = models.CharField(
        max_length=20,
        blank=True,
        choices=PrescriberCredential.choices,
        help_text="A clinician licensed to prescribe: only prescribers write medication-"
        "management visit notes and are named as the program's prescriber of a medication.",
    )
    # The 42 CFR Part 2 rule of what leaves the program (patients.part2): an integration's
    # reads are disclosures, so they never include a SUD patient's records.
    is_external_integration = models.BooleanField(
        "external integration",
        default=False,
        help_text="A system outside the program (a reporting or billing feed), not a person: "
        "it uses the API only, reads only, and never receives the records of a SUD (42 CFR "
        "Part 2) patient, which leave the program only through a release of information.",
    )

    objects = StaffManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        # Every way a password changes (admin, password page, `changepassword`, the shell)
        # saves it here, after set_password: the place where its API tokens stop working.
        # Other sessions end by themselves (the session keeps a hash of the password).
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            self.auth_token_set.all().delete()

    @property
    def display_name(self):
        return display_name(self.username, self.first_name, self.last_name, self.credentials)

    @cached_property
    def roles(self):
        """Names of the role groups this user belongs to, with the roles they imply (a
        director is a supervisor too); one query, cached per request."""
        if not self.is_active:
            return frozenset()
        names = set(self.groups.filter(name__in=Role.ALL).values_list("name", flat=True))
        for name in list(names):
            names.update(IMPLIED_ROLES.get(name, ()))
        return frozenset(names)

    def has_role(self, *roles):
        return bool(self.roles.intersection(roles))

    @property
    def is_prescriber(self):
        """A clinician (or supervisor) with a prescriber credential, active."""
        return bool(self.prescriber_credential) and self.has_role(*Role.CLINICAL)


class LoginThrottle(models.Model):
    """Failed logins for one username, for the lockout rules (iop/accounts/lockout.py).

    An *address* row counts failures for one username from one address, so that one clinic
    behind one address is not locked out together, and an attacker cannot lock a colleague out
    from elsewhere for longer than the cool-off. An *account* row (no address) counts failures
    for the username from every address, against password spraying from many addresses.
    Deleting a row (Django admin) lifts its lock.
    """

    class Scope(models.TextChoices):
        ADDRESS = "address", "this address"
        ACCOUNT = "account", "all addresses"

    username = models.CharField(max_length=150)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.ADDRESS)
    ip = models.GenericIPAddressField(null=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField()
    last_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username", "ip"], name="login_throttle_unique"),
            models.UniqueConstraint(
                fields=["username"],
                condition=models.Q(scope="account"),
                name="login_throttle_account_unique",
            ),
        ]

    def __str__(self):
        where = f"from {self.ip}" if self.scope == self.Scope.ADDRESS else "from all addresses"
        return f"{self.username} {where}: {self.failures} failures"
