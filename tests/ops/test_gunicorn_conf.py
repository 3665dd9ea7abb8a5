"""gunicorn.conf.py: each worker fixes glibc's mmap threshold after the fork (its figures in the file)."""

import ctypes
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def load_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_post_fork_sets_the_mmap_threshold_through_mallopt(monkeypatch):
    conf = load_conf()
    calls = []

    class FakeLibc:
        def mallopt(self, option, value):
            calls.append((option, value))
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc())
    conf.post_fork(server=None, worker=None)
    assert calls == [(-3, 128 * 1024)]
