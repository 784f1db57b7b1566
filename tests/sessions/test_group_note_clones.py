"""Cloned group notes: parts compared once every attendee's names are removed, against
GROUP_NOTE_SIMILARITY_MAX, with the parts alike named in the refusal."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from iop.env import env_float
from patients.models import Patient
from sessions import services as ss
from sessions.services.clones import without_names

DAP = {"data": "Behavioural activation.", "assessment": "Engaged.", "plan": "Schedule two."}
# The demo's own parts (sessions/demo.py): the same phrase after each attendee's name.
AVERY = "Avery Nguyen reported completing two planned activities and noticed a small lift in mood."
BLAKE = "Blake Okafor reported completing two planned activities and noticed a small lift in mood."
# Names removed, Blake's part has "his " more (80 characters against 76), all 76 in common:
# 2 × 76 / (76 + 80) = 0.974, "97 % alike".
BLAKE_HIS = "Blake reported completing two planned activities and noticed a small lift in his mood."
BLAKE_OWN = "Blake struggled with the homework; we agreed a smaller first step."


@pytest.fixture
def avery_and_blake(enroll, todays_session, clinician):
    """Avery Nguyen and Blake ("Bee") Okafor attend today's group; the note is started."""
    people = []
    for first, last, preferred in (("Avery", "Nguyen", ""), ("Blake", "Okafor", "Bee")):
        episode = enroll(last_name=last)
        Patient.objects.filter(pk=episode.patient_id).update(
            legal_first_name=first, preferred_name=preferred
        )
        ss.attendance_mark(
            session=todays_session, episode=episode, status="present", user=clinician
        )
        people.append(episode.patient_id)
    return ss.note_start(session=todays_session, user=clinician), people


def sign_with(note, clinician, people, avery, blake):
    texts = dict(zip(people, (avery, blake), strict=True))
    ss.note_save(
        note=note,
        user=clinician,
        shared=DAP,
        entries={pid: {"text": t, "risk_level": "none"} for pid, t in texts.items()},
    )
    return ss.note_sign(note=note, user=clinician)


def refusal(note, clinician, people, avery, blake):
    with pytest.raises(ValidationError) as error:
        sign_with(note, clinician, people, avery, blake)
    return error.value.message_dict["entries"]


def test_the_demos_parts_are_refused_once_the_names_are_removed(avery_and_blake, clinician):
    note, people = avery_and_blake
    assert refusal(note, clinician, people, AVERY, BLAKE) == [
        "The parts for Avery N. and Bee O. are identical once names are removed: write what "
        "was individual to each. A cloned group note is refused."
    ]
    note.refresh_from_db()
    assert note.status == "draft"


def test_parts_nearly_alike_are_refused_with_how_alike(avery_and_blake, clinician):
    note, people = avery_and_blake
    assert refusal(note, clinician, people, AVERY, BLAKE_HIS) == [
        "The parts for Avery N. and Bee O. are 97 % alike once names are removed: write what "
        "was individual to each. A cloned group note is refused."
    ]


def test_the_preferred_name_is_removed_too(avery_and_blake, clinician):
    note, people = avery_and_blake
    bee = BLAKE.replace("Blake Okafor", "Bee")
    assert "identical" in refusal(note, clinician, people, AVERY, bee)[0]
    assert without_names("Bee (Blake) Okafor-Smith said", ["Blake", "Bee", "Okafor"]) == (
        "( ) -smith said"
    )


def test_parts_that_differ_enough_are_signed(avery_and_blake, clinician):
    note, people = avery_and_blake
    # 0.43 alike once the names are removed: below 0.85.
    assert sign_with(note, clinician, people, AVERY, BLAKE_OWN).status == "signed"


def test_the_threshold_is_a_setting(avery_and_blake, clinician, settings):
    note, people = avery_and_blake
    settings.GROUP_NOTE_SIMILARITY_MAX = 0.98  # 97 % alike now passes
    assert sign_with(note, clinician, people, AVERY, BLAKE_HIS).status == "signed"


def test_the_api_answers_400_naming_the_parts(api_client, avery_and_blake, clinician):
    note, people = avery_and_blake
    api_client.force_authenticate(clinician)
    entries = {
        str(pid): {"text": t, "risk_level": "none"}
        for pid, t in zip(people, (AVERY, BLAKE), strict=True)
    }
    api_client.patch(
        reverse("note-detail", args=[note.pk]), {"shared": DAP, "entries": entries}, format="json"
    )
    response = api_client.post(reverse("note-sign", args=[note.pk]), {})
    assert response.status_code == 400
    assert response.json()["entries"] == [
        "The parts for Avery N. and Bee O. are identical once names are removed: write what "
        "was individual to each. A cloned group note is refused."
    ]


def test_the_page_names_the_parts_and_keeps_the_text(client, avery_and_blake, clinician):
    note, people = avery_and_blake
    client.force_login(clinician)
    data = {"revision": note.revision, "sign": "1"}
    data |= {f"shared_{k}": v for k, v in DAP.items()}
    for pid, text in zip(people, (AVERY, BLAKE_HIS), strict=True):
        data |= {f"entry_{pid}_text": text, f"entry_{pid}_risk_level": "none"}
    html = client.post(reverse("sessions:note", args=[note.session_id]), data).content.decode()
    # Beside each of the two parts, naming the other.
    assert "97 % alike with the part for Bee O. once names are removed" in html
    assert "97 % alike with the part for Avery N. once names are removed" in html
    assert BLAKE_HIS in html
    note.refresh_from_db()
    assert note.status == "draft"


def test_the_setting_is_read_as_a_number_between_0_and_1(monkeypatch):
    monkeypatch.setenv("GROUP_NOTE_SIMILARITY_MAX", "0.9")
    assert env_float("GROUP_NOTE_SIMILARITY_MAX", 0.85, minimum=0, maximum=1) == 0.9
    for bad, says in (("high", "must be a number"), ("1.5", "must be at most 1")):
        monkeypatch.setenv("GROUP_NOTE_SIMILARITY_MAX", bad)
        with pytest.raises(ImproperlyConfigured, match=says):
            env_float("GROUP_NOTE_SIMILARITY_MAX", 0.85, minimum=0, maximum=1)
