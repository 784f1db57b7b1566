"""Addenda added before they had their own hash get it now (chained to their note's hash)."""

from django.db import migrations

from sessions.hashing import addendum_hash


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
