"""Helpers of the NApp tests (a module of its own: tests import it, not conftest)."""
import shutil
from pathlib import Path

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
