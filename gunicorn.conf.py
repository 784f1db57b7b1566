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
# 16 collections in 300 requests, 204 ms in all. Collected in `post_request`, which the sync
# worker runs once the answer is written (an answer with its length, as Django's are, or
# chunked: the client has all of it), the young generation holds only what outlived the
# request: 0.46 ms a collection, 139 ms for the same 300, none inside a request. The automatic
# threshold stays as a safety net for one very large request (an export, whose rows may hold
# cycles): past 100,000 objects it collects as Python always does. No page of the scale set
# reaches it (the busiest eight, the 200-row API lists among them: no collection inside).
SAFETY_THRESHOLD = (100_000, 10, 10)
# Any other worker (threads, gevent) may be inside another request: Python's own collections.
SHARED_THRESHOLD = (20_000, 20, 20)
MIDDLE_EVERY, FULL_EVERY = 25, 1000  # requests between collections of the older generations


def one_request_at_a_time(worker):
    """Whether `worker` serves one request at a time: gunicorn's sync worker (a threaded or
    greenlet worker is a subclass of another class)."""
    from gunicorn.workers.sync import SyncWorker

    return type(worker) is SyncWorker


def post_worker_init(worker):
    """Once the app is loaded: keep what was imported out of every collection (gc.freeze), and
    collect between requests (`post_request`) rather than inside them."""
    import gc

    gc.collect()
    gc.freeze()
    sync = one_request_at_a_time(worker)
    gc.set_threshold(*(SAFETY_THRESHOLD if sync else SHARED_THRESHOLD))
    worker.requests_served = 0


def post_request(worker, req, environ, resp):
    """After the answer: collect the young generation, the middle one every MIDDLE_EVERY
    requests and all of them every FULL_EVERY (a sync worker only)."""
    import gc

    if not one_request_at_a_time(worker):
        return
    worker.requests_served += 1  # counted from post_worker_init
    served = worker.requests_served
    gc.collect(2 if served % FULL_EVERY == 0 else 1 if served % MIDDLE_EVERY == 0 else 0)
