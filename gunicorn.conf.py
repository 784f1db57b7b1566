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
