"""The one content hash of signed documents: sha256 over canonical JSON (keys sorted, UTF-8,
dates and other non-JSON values as `str`). Notes, addenda, attendance corrections and plans all
hash through it, so a signature means the same thing everywhere.

Migrations that hash historical rows keep a frozen copy instead of importing this."""

import hashlib
import json


def canonical_json(content, *, ascii_only=False):
    """`ascii_only` only for attendance corrections hashed before they were chained to their
    note (hash version 1): they were hashed with non-ASCII characters escaped."""
    return json.dumps(content, sort_keys=True, ensure_ascii=ascii_only, default=str)


def content_sha256(content, *, ascii_only=False):
    return hashlib.sha256(canonical_json(content, ascii_only=ascii_only).encode()).hexdigest()
