"""The roles (DESIGN.md, "Who uses it") and the model permissions each one holds.

A role is membership of the Django group of the same name. Apps added later extend
ROLE_PERMISSIONS and call `sync_role_permissions` from a data migration of their own.

A clinical director is a supervisor of every program: the `director` role implies the
`supervisor` role (IMPLIED_ROLES), so every check of supervisor powers holds for a director,
and the reads scoped to a supervisor's programs (patients.querysets) give a director them all.
"""

from django.contrib.auth.management import create_permissions


class Role:
    ADMIN = "admin"
    DIRECTOR = "director"
    SUPERVISOR = "supervisor"
    CLINICIAN = "clinician"
    INTAKE = "intake"
    BILLER = "biller"

    ALL = (ADMIN, DIRECTOR, SUPERVISOR, CLINICIAN, INTAKE, BILLER)
    CLINICAL = (DIRECTOR, SUPERVISOR, CLINICIAN)
    # Group names holding supervisor powers (for queries on group membership).
    SUPERVISORS = (DIRECTOR, SUPERVISOR)


# A role that carries another's powers: `User.has_role(Role.SUPERVISOR)` is true for a director.
IMPLIED_ROLES = {Role.DIRECTOR: (Role.SUPERVISOR,)}


# "app_label.codename" per role. Object-level rules (care team, Part 2) live in QuerySets.
ROLE_PERMISSIONS = {
    # Admins configure the program: users and roles, programs, groups, their schedules and
    # enrolments. No clinical content (intake, measures, plans, notes, alerts, consents,
    # attendance, reminders). Episodes are viewable, and only for the group enrolment lookup
    # (EpisodeAdmin shows view-only users no clinical fields); roles are fixed by this list,
    # so no change_rolegroup, and no API tokens (stored hashed, never listed).
    Role.ADMIN: [
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.view_loginthrottle",
        "accounts.delete_loginthrottle",
        "accounts.view_rolegroup",
        "audit.view_auditevent",
        "jobs.view_jobrun",
        "patients.add_program",
        "patients.change_program",
        "patients.view_program",
        "patients.view_episode",
        "therapy_sessions.add_therapygroup",
        "therapy_sessions.change_therapygroup",
        "therapy_sessions.view_therapygroup",
        "therapy_sessions.add_groupenrollment",
        "therapy_sessions.change_groupenrollment",
        "therapy_sessions.view_groupenrollment",
        "therapy_sessions.view_therapysession",
        "plans.add_libraryentry",
        "plans.change_libraryentry",
        "plans.delete_libraryentry",
        "plans.view_libraryentry",
        # Payers are a list admins keep (billing, issue 18); coverage is the billing staff's.
        "billing.add_payer",
        "billing.change_payer",
        "billing.view_payer",
    ],
    Role.DIRECTOR: [
        "audit.view_auditevent",
    ],
    Role.SUPERVISOR: [
        "audit.view_auditevent",
    ],
    Role.CLINICIAN: [],
    Role.INTAKE: [],
    # Billing staff (issue 18): demographics, coverage, authorizations and claim lines of every
    # patient, never clinical text. Patient charts stay closed to them (`visible_patient_ids`
    # gives them none); the billing app's reads (`billing.querysets`) open its records to them.
    Role.BILLER: [
        "billing.view_payer",
        "billing.view_coverage",
        "billing.view_authorization",
    ],
}


def sync_role_permissions(apps, schema_editor=None):
    """Create the role groups and give each exactly its listed permissions: any other
    permission a group holds (listed once, or added by hand) is taken away.

    Usable from data migrations: permissions are normally created after all migrations by
    `post_migrate`, so they are created here first for a fresh database.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role.ALL:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = ROLE_PERMISSIONS[role]
        perms = []
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
