"""tests/napp: make the kytos stand-in importable and offer a controller.

``tests/support/kytos_standin`` is put first on sys.path, so ``import kytos``
(and ``from kytos.core import ...`` in napp/main.py) gets the stand-in.
"""
import shutil
import sys
from pathlib import Path

import pytest

from event_bridge.testing import MockCluster

STANDIN_DIR = Path(__file__).resolve().parents[1] / "support" / "kytos_standin"
if str(STANDIN_DIR) not in sys.path:
    sys.path.insert(0, str(STANDIN_DIR))

#: the NApp source folder of this repository
NAPP_SOURCE_DIR = Path(__file__).resolve().parents[2] / "napp"

KEY = ("kytos", "event_bridge")


class Expr(str):
    """A settings.py value written as the Python expression itself: Expr("float('nan')")."""

    def __repr__(self):
        return str(self)


def napp_copy(tmp_path: Path, **settings) -> Path:
    """The NApp's files in a folder of the test's own, with settings.py overrides appended."""
    target = tmp_path / "src" / "event_bridge"
    shutil.copytree(NAPP_SOURCE_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    set_settings(target, **settings)
    return target


def set_settings(napp_dir: Path, *lines, **settings) -> None:
    """Replace the test overrides at the end of settings.py: NAME = repr(value) for each
    keyword, then each of `lines` verbatim."""
    path = napp_dir / "settings.py"
    text = path.read_text().split("\n# test overrides\n")[0]
    body = [f"{key} = {value!r}" for key, value in settings.items()] + list(lines)
    path.write_text(text + "\n# test overrides\n" + "\n".join(body) + "\n")


def mock_settings(mock, **extra):
    return {"BOOTSTRAP_SERVERS": mock.bootstrap_servers, "CREATE_TOPICS": False,
            "FLUSH_TIMEOUT": 5.0, **extra}


def status(controller):
    response = controller.http_request("GET", "kytos/event_bridge/v1/status")
    assert response.status_code == 200, response.text
    return response.json()


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
