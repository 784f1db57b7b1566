"""The disclosures app sits above sessions: nothing below it imports it (only the project's
URL and API wiring name it)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIRING = {"iop/urls.py", "iop/api/urls.py", "iop/settings.py"}
IMPORT = re.compile(r"^\s*(from|import)\s+disclosures\b", re.MULTILINE)


def test_no_lower_app_imports_disclosures():
    offenders = [
        str(path.relative_to(ROOT))
        for app in ("iop", "patients", "plans", "sessions")
        for path in (ROOT / app).rglob("*.py")
        if str(path.relative_to(ROOT)) not in WIRING and IMPORT.search(path.read_text())
    ]
    assert offenders == []
