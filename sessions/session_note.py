"""The session page's note: the session's one note (a one-to-one) with its people, entries and
addenda, read by the session in one turn (`iop.together`) with the page's other first reads
(the roster's). Prefetched from the note, the entries and the addenda were each a round trip
after it."""

from iop.shapes import shape
from iop.together import fill_prefetched
from sessions.models import Addendum, NoteEntry, ProgressNote


def read_session_note(session_id):
    """A reader of the session's one note (a one-to-one) with its people, entries and addenda
    (their authors), or None: the three read in one turn, by the session (prefetched, the
    entries and addenda were each a round trip after the note's)."""
    notes, entries, addenda = yield (
        _session_note(session_id),
        _session_note_entries(session_id),
        _session_note_addenda(session_id),
    )
    note = notes[0] if notes else None
    if note is not None:
        fill_prefetched(note, "entries", entries)
        fill_prefetched(note, "addenda", addenda)
    return note


@shape
def _session_note(session_id):
    """The note, read unordered: an ordered query's ~50 columns of its three users were each
    hashed for nothing."""
    return (
        ProgressNote.objects.filter(session=session_id)
        .select_related("author", "signed_by", "cosigned_by")
        .order_by()[:1]
    )


@shape
def _session_note_entries(session_id):
    return NoteEntry.objects.filter(note__session=session_id)


@shape
def _session_note_addenda(session_id):
    return Addendum.objects.filter(note__session=session_id).select_related("author")
