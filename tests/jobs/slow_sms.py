"""An SMS backend for the worker tests: slow enough for workers to overlap or be killed
mid-batch, and it logs every call the moment it is made (a provider may deliver a message
whose caller dies before the answer), so a second call with the same key always shows."""

import os
import time
from pathlib import Path

from iop.notify.backends import _write_once


class SlowFileSMSBackend:
    def send(self, *, to, body, key):
        directory = Path(os.environ["TEST_SMS_DIR"])
        with open(directory / "calls.log", "a", encoding="utf-8") as log:
            log.write(f"{key}\n")
        time.sleep(float(os.environ.get("TEST_SMS_DELAY", "0.02")))
        return _write_once(directory / "outbox", key, f"To: {to}\n\n{body}\n")
