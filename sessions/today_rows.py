"""What Today's lists show of their rows' relations (a session's group, episode, patient and
note; an alert's patient and assignee; a note's author; an intake's or a summary's program),
read by id in a later turn (`iop.together.read_related`) rather than joined to the list.

A list's filter joined to the four or five relations it shows made PostgreSQL search every
order of those joins on each request: Today's sessions took ~2 ms to plan with them, ~0.3 ms
without, and each lookup by id below plans in under a tenth of a millisecond. The page reads
in turns anyway (the sessions' marks, the rosters), so the lookups cost no round trip. Each
reads the columns its list shows, as the joins did.
"""

from django.contrib.auth import get_user_model

from iop.ids import in_ids
from iop.shapes import shape
from iop.together import gather, read_related
from patients.models import Episode, Patient
from patients.selectors import program_names
from sessions.models import ProgressNote, TherapyGroup

User = get_user_model()

# A patient's names, as Today's lists show them.
NAME = ("legal_first_name", "legal_last_name", "preferred_name")
# A staff member's, as they show them (`display_name` with credentials).
USER_NAME = ("first_name", "last_name", "username", "credentials")


def read_session_relations(sessions):
    """A reader giving Today's sessions their group, episode with its patient, and note."""
    return gather(
        read_related(sessions, "group", _groups),
        read_related(sessions, "episode", _episodes_with_patients),
        read_related(sessions, "note", _notes_of_sessions),
    )


def read_note_relations(sessions):
    """A reader giving the notes to write their group's name, patient's names and note's id."""
    return gather(
        read_related(sessions, "group", _group_names),
        read_related(sessions, "patient", _patient_names),
        read_related(sessions, "note", _note_ids),
    )


def read_cosign_relations(notes):
    """A reader giving notes waiting for a co-signature (read with their session) their
    session's group name and patient's names, and their author's names."""
    sessions = [note.session for note in notes]
    return gather(
        read_related(sessions, "group", _group_names),
        read_related(sessions, "patient", _patient_names),
        read_related(notes, "author", _user_names),
    )


def read_alert_relations(alerts):
    """A reader giving alerts their patient's names and their assignee's."""
    return gather(
        read_related(alerts, "patient", _patient_names),
        read_related(alerts, "assigned_to", _user_names),
    )


def read_intake_relations(intakes):
    """A reader giving intakes (read with their episode) their patient's names and program's."""
    episodes = [intake.episode for intake in intakes]
    return gather(
        read_related(episodes, "patient", _patient_names),
        read_related(episodes, "program", program_names),
    )


def read_summary_relations(summaries):
    """A reader giving discharge summaries (read with their episode) their patient's names and
    their episode's program's."""
    return gather(
        read_related(summaries, "patient", _patient_names),
        read_related([summary.episode for summary in summaries], "program", program_names),
    )


@shape
def _groups(ids):
    return TherapyGroup.objects.filter(in_ids("pk", ids))


@shape
def _episodes_with_patients(ids):
    return Episode.objects.filter(in_ids("pk", ids)).select_related("patient")


@shape
def _notes_of_sessions(session_ids):
    # Only whether it is signed: not its long texts.
    return ProgressNote.objects.filter(in_ids("session_id", session_ids)).defer(
        "shared", "signed_attendance"
    )


@shape
def _group_names(ids):
    return TherapyGroup.objects.filter(in_ids("pk", ids)).only("name")


@shape
def _patient_names(ids):
    return Patient.objects.filter(in_ids("pk", ids)).only(*NAME)


@shape
def _note_ids(session_ids):
    return ProgressNote.objects.filter(in_ids("session_id", session_ids)).only("session")


@shape
def _user_names(ids):
    return User.objects.filter(in_ids("pk", ids)).only(*USER_NAME)
