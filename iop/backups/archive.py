"""A backup archive: one tar file holding the database, the uploaded files and a manifest.

    iop-backup-20261126T020000Z.tar
      manifest.json        what the archive holds: the app's version and migrations, every
                           table's row count and content hash, each file's sha256
      database.dump        PostgreSQL: `pg_dump --format=custom` (compressed)
      database.sqlite3     or SQLite: a copy made with SQLite's online backup API
      media/...            the uploaded files (MEDIA_ROOT), as they are

Left out on purpose, because nothing is lost without them: the outbox (`var/outbox`: messages
already handed over; which reminders went out is in the database), the broker's queue (every job
is idempotent and runs once when a worker starts), the cache, beat's schedule file, and the
static files (`collectstatic` rebuilds them).

The archive is written under a temporary name and renamed when complete, readable by its owner
only: it holds every patient's record.
"""

import hashlib
import json
import os
import shutil
import tarfile
import time
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
PREFIX = "iop-backup-"
SUFFIX = ".tar"
NOT_INCLUDED = {
    "outbox": "messages already handed over; the deliveries are recorded in the database",
    "broker": "queued jobs are idempotent and run again when a worker starts",
    "cache": "rebuilt on demand",
    "celerybeat-schedule": "beat rebuilds it",
    "staticfiles": "rebuilt by collectstatic",
}


class BackupError(Exception):
    """A backup cannot be made or an archive cannot be restored (a message for the command)."""


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(path):
    return {"sha256": sha256_file(path), "bytes": Path(path).stat().st_size}


def media_files(root):
    """{relative path: {sha256, bytes}} of every file under `root` (none when it is missing)."""
    root = Path(root)
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): file_entry(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def archive_name(when):
    return f"{PREFIX}{when:%Y%m%dT%H%M%SZ}{SUFFIX}"


def archive_write(*, staging, manifest, destination):
    """Write `manifest` into `staging`, pack the folder as `destination` (a file path), mode
    0600, under a temporary name first."""
    staging, destination = Path(staging), Path(destination)
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    partial = destination.with_name(f".{destination.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
        tar.add(staging / MANIFEST, arcname=MANIFEST)  # first, to be read without the rest
        for path in sorted(staging.iterdir()):
            if path.name != MANIFEST:
                tar.add(path, arcname=path.name)
    partial.rename(destination)
    return destination


def archive_open(path, into):
    """Unpack the archive at `path` into the folder `into` and check every file against the
    manifest; returns the manifest. Raises BackupError on anything missing or altered."""
    into = Path(into)
    try:
        with tarfile.open(path, mode="r") as tar:
            tar.extractall(into, filter="data")  # no absolute paths, links out, devices
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{path} is not a readable backup archive ({exc}).") from None
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(f"{path} has no readable {MANIFEST}.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown archive format {manifest.get('format')!r}.")
    expected = {manifest["database"]["file"]: manifest["database"]}
    expected.update({f"{MEDIA}/{name}": entry for name, entry in manifest["media"].items()})
    for name, entry in expected.items():
        file = into / name
        if not file.is_file():
            raise BackupError(f"{path}: {name} is missing from the archive.")
        if sha256_file(file) != entry["sha256"]:
            raise BackupError(f"{path}: {name} does not match its checksum in the manifest.")
    return manifest


def archives_prune(directory, keep):
    """Delete all but the newest `keep` archives in `directory`, and what a backup killed
    half-way left there over a day ago; returns the deleted archives."""
    directory = Path(directory)
    archives = sorted(directory.glob(f"{PREFIX}*{SUFFIX}"))
    old = archives[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    day_ago = time.time() - 24 * 3600
    for leftover in [*directory.glob(".staging-*"), *directory.glob(f".{PREFIX}*.partial")]:
        if leftover.stat().st_mtime >= day_ago:
            continue
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()
    return old


def media_restore(source, root, *, replace):
    """Copy the archive's media folder to `root` (MEDIA_ROOT); with `replace`, what was there
    goes first."""
    root = Path(root)
    if replace and root.exists():
        shutil.rmtree(root)
    if Path(source).is_dir():
        shutil.copytree(source, root, dirs_exist_ok=True)
    else:
        root.mkdir(parents=True, exist_ok=True)
