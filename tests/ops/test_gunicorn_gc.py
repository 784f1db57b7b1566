"""gunicorn.conf.py: a sync worker collects garbage between requests, never inside one."""

import gc
import importlib.util
import weakref
from pathlib import Path

import pytest
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def gc_state():
    """The test process's collector as it was, put back (the hooks freeze and re-tune it)."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def worker(kind=SyncWorker):
    """A gunicorn worker of `kind`, as the hooks see it (not started)."""
    return kind.__new__(kind)


class Cycle:
    def __init__(self):
        self.me = self


def test_a_sync_worker_collects_only_past_the_safety_net_inside_a_request(conf, gc_state):
    sync = worker()
    conf.post_worker_init(sync)
    assert gc.get_freeze_count() > 0, "what the app imported is kept out of collections"
    assert gc.get_threshold() == conf.SAFETY_THRESHOLD
    assert conf.SAFETY_THRESHOLD[0] >= 5 * 20_000  # Python's own, the default before

    garbage = weakref.ref(Cycle())  # what a request leaves: a cycle nothing refers to
    assert garbage() is not None, "not collected while the request runs"
    conf.post_request(sync, None, {}, None)
    assert garbage() is None, "collected once the answer is sent"


def test_older_generations_are_collected_every_so_many_requests(conf, gc_state, monkeypatch):
    sync = worker()
    conf.post_worker_init(sync)
    collected = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation))
    for _ in range(conf.FULL_EVERY):
        conf.post_request(sync, None, {}, None)
    assert len(collected) == conf.FULL_EVERY, "one collection after every request"
    assert collected[conf.MIDDLE_EVERY - 1] == 1 and collected[conf.MIDDLE_EVERY] == 0
    assert collected.count(1) == conf.FULL_EVERY // conf.MIDDLE_EVERY - 1
    assert collected[-1] == 2 and collected.count(2) == 1


def test_a_threaded_worker_keeps_pythons_own_collections(conf, gc_state, monkeypatch):
    threaded = worker(ThreadWorker)
    conf.post_worker_init(threaded)
    assert gc.get_threshold() == conf.SHARED_THRESHOLD
    collected = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation))
    conf.post_request(threaded, None, {}, None)
    assert collected == [], "another thread's request may be running"
