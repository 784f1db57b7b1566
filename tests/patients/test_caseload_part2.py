"""The caseload carries the Part 2 notice when a patient it lists is protected: by any SUD
episode of theirs, ever, not only the one listed (patients/part2.py)."""

from django.urls import reverse

from patients.models import Episode
from patients.part2 import REDISCLOSURE_NOTICE_SHORT
from tests import history


def caseload(client, clinician):
    client.force_login(clinician)
    return client.get(reverse("patients:caseload")).content.decode()


def test_a_patient_with_an_earlier_sud_episode_brings_the_notice(
    client, clinician, make_episode, program
):
    current = make_episode(clinician=clinician)
    earlier = history.past_episode(current.patient, program=program, clinician=clinician)
    Episode.objects.filter(pk=earlier.pk).update(is_sud=True)
    assert not current.is_sud
    assert REDISCLOSURE_NOTICE_SHORT in caseload(client, clinician)


def test_a_patient_never_in_sud_care_brings_no_notice(client, clinician, make_episode, program):
    current = make_episode(clinician=clinician)
    history.past_episode(current.patient, program=program, clinician=clinician)
    assert REDISCLOSURE_NOTICE_SHORT not in caseload(client, clinician)
