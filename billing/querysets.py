"""Permission-aware reads of billing records (the one way to fetch them for a user).

A biller reads the coverage and authorizations of every patient; everyone else reads those of
the patients `PatientQuerySet.for_user` lets them open (a clinician: their care teams'; an
intake coordinator and a director: all). An admin reads none (payers are theirs, in the admin).
"""

from django.db import models

from iop.accounts.roles import Role
from patients.querysets import ALL_PATIENTS, visible_patient_ids


def _for_user(queryset, user, patient_field):
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user.has_role(Role.BILLER):
        return queryset
    visible = visible_patient_ids(user)
    if visible is ALL_PATIENTS:
        return queryset
    if visible is None:
        return queryset.none()
    return queryset.filter(**{f"{patient_field}__in": visible})


class PayerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class CoverageQuerySet(models.QuerySet):
    def for_user(self, user):
        return _for_user(self, user, "episode__patient")

    def in_force_on(self, day):
        return self.filter(effective_from__lte=day).filter(
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=day)
        )


class AuthorizationQuerySet(models.QuerySet):
    def for_user(self, user):
        return _for_user(self, user, "episode__patient")

    def approved(self):
        return self.filter(status=self.model.Status.APPROVED)

    def covering(self, day):
        return self.filter(first_date__lte=day, last_date__gte=day)
