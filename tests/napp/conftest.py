"""tests/napp: make the kytos stand-in importable and offer a controller.

``tests/support/kytos_standin`` is put first on sys.path, so ``import kytos``
(and ``from kytos.core import ...`` in napp/main.py) gets the stand-in.
"""
import sys
from pathlib import Path

import pytest

from event_bridge.testing import MockCluster

STANDIN_DIR = Path(__file__).resolve().parents[1] / "support" / "kytos_standin"
if str(STANDIN_DIR) not in sys.path:
    sys.path.insert(0, str(STANDIN_DIR))

from napp_support import NAPP_SOURCE_DIR  # noqa: E402


@pytest.fixture
def mock():
    with MockCluster() as cluster:
        yield cluster


@pytest.fixture
def standin_controller(tmp_path):
    """Factory: ``standin_controller(napp_source_dir=NAPP_SOURCE_DIR,
    user="kytos", name="event_bridge", start=True, **options)`` returns a
    stand-in Controller (loop in thread "MainThread-loop", NApp loaded on
    it); every controller made is torn down after the test."""
    from standin_host import make_controller, teardown_controller  # noqa: PLC0415

    made = []

    def factory(napp_source_dir=NAPP_SOURCE_DIR, user="kytos",
                name="event_bridge", **kwargs):
        controller = make_controller(tmp_path, napp_source_dir, user, name,
                                     **kwargs)
        made.append(controller)
        return controller

    yield factory
    for controller in reversed(made):
        teardown_controller(controller)
