"""Stopping a long job between two batches, so that a worker's warm shutdown is quick.

On SIGTERM (`docker stop`, `compose down`, Ctrl-C in `make run`) a Celery worker stops taking
messages and waits for the tasks it is running; acks_late keeps each task's message on the broker
until it has finished. A job that works in batches asks `should_stop()` before each new batch
and, when told, ends cleanly after the one it has finished and queues its own continuation: what
it leaves is done by the next run, on this worker or another, never cut in half.

`should_stop` is true once the worker is shutting down (seen by tasks that run in the worker's
own process: the solo and threads pools) or once the run has had `seconds` (every pool: in a
prefork child the shutdown is not seen, so the time limit alone bounds how long the warm
shutdown waits — set the stop grace period above it plus one batch).
"""

import time


def worker_stopping():
    from celery.worker import state

    # Celery sets these to an exit code when a shutdown begins: 0 (== False) is one.
    flags = (state.should_stop, state.should_terminate)
    return any(flag is not None and flag is not False for flag in flags)


def run_limit(seconds):
    """A `should_stop()` for one run: true when the worker stops or after `seconds`."""
    deadline = time.monotonic() + seconds

    def should_stop():
        return worker_stopping() or time.monotonic() >= deadline

    return should_stop
