"""Addenda added before they had their own hash get it now (chained to their note's hash).

Self-contained: a frozen copy of the addendum hash as it was when this migration was written,
so that later changes to the app's hashing code cannot change what it computes."""

import hashlib
import json
from datetime import UTC

from django.db import migrations


def addendum_hash(addendum, note_hash):
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
        default=str,
    )
    return hashlib.sha256(content.encode()).hexdigest()


def hash_addenda(apps, schema_editor):
    Addendum = apps.get_model("therapy_sessions", "Addendum")
    for addendum in Addendum.objects.filter(content_hash="").select_related("note"):
        Addendum.objects.filter(pk=addendum.pk).update(
            content_hash=addendum_hash(addendum, addendum.note.content_hash)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("therapy_sessions", "0005_addendum_content_hash"),
    ]

    operations = [migrations.RunPython(hash_addenda, migrations.RunPython.noop)]
