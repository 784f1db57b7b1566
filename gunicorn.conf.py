"""gunicorn's settings, read from the working directory (/app in the image) by default.

The access log names the path without its query string and leaves out the referrer: a search
for a patient is typed as their name (`/patients/?q=...`), and the log must not hold it. The
request id (X-Request-ID, also on the audit trail) ties a log line to the audit events.
"""

import os

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms id=%({x-request-id}o)s'

# SIGTERM (`docker stop`, `compose down`) is a graceful shutdown: gunicorn stops accepting
# connections and each worker finishes the request it is serving, for up to graceful_timeout
# seconds, before it exits. Compose's stop_grace_period for `web` is longer (see
# docker-compose.yml), so a request is never cut in half by the SIGKILL that follows.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))


def post_worker_init(worker):
    """Once the app is loaded: keep what was imported out of the garbage collector's full
    collections (gc.freeze) and collect less often. A list of 200 rows allocates hundreds of
    thousands of objects, and with Python's defaults each such request paid for several full
    collections over the whole loaded app: measured on the scale set through this server (bench/),
    the groups list's p95 went 223-376 ms -> 157-210 ms, its p50 a little down too."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
