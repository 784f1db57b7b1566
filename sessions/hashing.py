"""An addendum's content hash, apart from the models so that the migration that hashed the
addenda added before hashing uses the same function."""

import hashlib
import json
from datetime import UTC


def addendum_hash(addendum, note_hash):
    """An addendum's own hash: its text, author and time, chained to the note's hash."""
    content = json.dumps(
        {
            "note": addendum.note_id,
            "note_hash": note_hash,
            "text": addendum.text,
            "author": addendum.author_id,
            "at": addendum.created_at.astimezone(UTC).isoformat(),
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(content.encode()).hexdigest()
