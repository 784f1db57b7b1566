"""An addendum's content hash, apart from the models so that the migration that hashed the
addenda added before hashing uses the same function."""

from datetime import UTC

from iop.hashing import content_sha256


def addendum_hash(addendum, note_hash):
    """An addendum's own hash: its text, author and time, chained to the note's hash."""
    return content_sha256(
        {
            "note": addendum.note_id,
            "note_hash": note_hash,
            "text": addendum.text,
            "author": addendum.author_id,
            "at": addendum.created_at.astimezone(UTC).isoformat(),
        }
    )
