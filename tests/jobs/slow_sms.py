"""An SMS backend for the worker tests: slow enough for workers to overlap or be killed
mid-batch, and it logs every call, so a second send of the same key would show."""

import os
import time
from pathlib import Path

from iop.notify.backends import _write_once


class SlowFileSMSBackend:
    def send(self, *, to, body, key):
        directory = Path(os.environ["TEST_SMS_DIR"])
        time.sleep(float(os.environ.get("TEST_SMS_DELAY", "0.02")))
        with open(directory / "calls.log", "a", encoding="utf-8") as log:
            log.write(f"{key}\n")
        return _write_once(directory / "outbox", key, f"To: {to}\n\n{body}\n")
