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


# Python's cyclic garbage collector, for a sync worker (one request at a time): between
# requests, never inside one. With a young generation of 20,000 objects a collection fell
# inside ~1 request in 20 and, having to walk that request's own live objects (its rows, its
# template context), took 12-13 ms of it: measured in-process over the scale set's busiest pages,
# 16 collections in 300 requests, 204 ms in all. Collected after each answer is sent (it has
# its length: the client has it all before `post_request` runs), the young generation holds
# only what outlived the request: 0.46 ms a collection, 139 ms for the same 300, none inside a
# request. The automatic threshold stays as a safety net for one very large request (an
# export): past 250,000 objects it collects as Python always does.
SAFETY_THRESHOLD = (250_000, 10, 10)
THREADED_THRESHOLD = (20_000, 20, 20)  # requests on other threads: no "between requests"
MIDDLE_EVERY, FULL_EVERY = 25, 1000  # requests between collections of the older generations


def post_worker_init(worker):
    """Once the app is loaded: keep what was imported out of every collection (gc.freeze), and
    collect between requests (`post_request`) rather than inside them."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*(THREADED_THRESHOLD if worker.cfg.threads > 1 else SAFETY_THRESHOLD))
    worker.requests_served = 0


def post_request(worker, req, environ, resp):
    """After the answer: collect the young generation, the middle one every MIDDLE_EVERY
    requests and all of them every FULL_EVERY (a sync worker only)."""
    import gc

    if worker.cfg.threads > 1:
        return
    worker.requests_served = served = getattr(worker, "requests_served", 0) + 1
    gc.collect(2 if served % FULL_EVERY == 0 else 1 if served % MIDDLE_EVERY == 0 else 0)
