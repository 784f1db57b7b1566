"""The intake queue carries the Part 2 notice when it shows a patient Part 2 protects: a referral
(or a patient the search found) with any SUD episode, the one referred or an earlier one."""

import pytest
from django.urls import reverse

from tests.factories import EpisodeFactory

NOTICE = 'data-testid="part2-notice"'


@pytest.mark.parametrize("earlier_sud", [True, False])
@pytest.mark.parametrize("viewer", ["intake", "supervisor"])
def test_a_referral_once_treated_for_sud_brings_the_notice(
    client, request, make_episode, program, sud_program, earlier_sud, viewer
):
    referral = make_episode(status="referred", program_=program, last_name="Quinnref")
    if earlier_sud:
        EpisodeFactory(
            patient=referral.patient, program=sud_program, status="discharged", is_sud=True
        )
    client.force_login(request.getfixturevalue(viewer))
    page = client.get(reverse("patients:intake-queue")).content.decode()
    assert "Quinnref" in page
    assert (NOTICE in page) is earlier_sud


@pytest.mark.parametrize("is_sud", [True, False])
def test_a_patient_the_search_finds_brings_the_notice(
    client, intake, clinician, make_episode, sud_program, program, is_sud
):
    make_episode(
        clinician=clinician,
        program_=sud_program if is_sud else program,
        is_sud=is_sud,
        last_name="Zabrowski",
    )
    client.force_login(intake)
    page = client.get(reverse("patients:intake-queue"), {"q": "Zabrowski"}).content.decode()
    assert "Zabrowski" in page
    assert (NOTICE in page) is is_sud
