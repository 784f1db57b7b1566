"""A group's attendance in one action: everyone not yet marked is marked present for the
whole session, then the facilitator adjusts the few who came late, left early or stayed away."""

from django.core.exceptions import ValidationError
from django.db import transaction

from iop.errors import error_text
from sessions.models import Attendance, TherapySession
from sessions.services.attendance import attendance_mark, session_rosters


@transaction.atomic
def attendance_mark_all_present(*, session, user, context=None):
    """Mark every attendee on the roster whose attendance is not taken yet present for the
    session's full minutes, each through `attendance_mark` (every rule, one audit event each;
    the hours ledger and billing follow). Marks already taken are kept. All or nothing: a
    refusal for one attendee names them and marks nobody. Returns the new records."""
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    unmarked = [e for e, record in session_rosters([session])[session.pk] if record is None]
    if not unmarked:
        raise ValidationError(
            "Everyone's attendance is already taken: change one person's from their row."
        )
    records = []
    for episode in unmarked:
        try:
            records.append(
                attendance_mark(
                    session=session,
                    episode=episode,
                    status=Attendance.Status.PRESENT,
                    user=user,
                    context=context,
                )
            )
        except ValidationError as error:
            raise ValidationError(
                f"{episode.patient}: {error_text(error)} Nobody was marked present."
            ) from error
    return records
