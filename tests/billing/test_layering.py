"""The billing app sits above sessions: no app below it imports it (only the project's URL,
API and settings wiring name it); it plugs in through `patients/extensions.py`."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIRING = {"iop/urls.py", "iop/api/urls.py", "iop/settings.py"}
IMPORT = re.compile(r"^\s*(from|import)\s+billing\b", re.MULTILINE)


def test_no_lower_app_imports_billing():
    offenders = [
        str(path.relative_to(ROOT))
        for app in ("iop", "patients", "plans", "sessions", "medications", "screens")
        for path in (ROOT / app).rglob("*.py")
        if str(path.relative_to(ROOT)) not in WIRING and IMPORT.search(path.read_text())
    ]
    assert offenders == []
