"""kytos.core stand-in: ``KytosNApp``, ``KytosEvent``, ``log``, ``rest``,
``Controller``, ``authenticated``.

``log`` is resolved on every attribute access of this module, like the
facade property of Kytos-ng: ``from kytos.core import log`` executed in a
file under ``.../napps/<user>/<name>/`` binds ``kytos.napps.<user>/<name>``,
elsewhere ``kytos.napps``.  The lookup happens once per import statement,
not per log call.
"""
from kytos.core.auth import authenticated
from kytos.core.controller import Controller
from kytos.core.events import KytosEvent
from kytos.core.logs import get_napp_logger
from kytos.core.napps import KytosNApp, rest

from .metadata import __version__

__all__ = (
    "authenticated",
    "Controller",
    "KytosEvent",
    "KytosNApp",
    "log",
    "rest",
    "__version__",
)


def __getattr__(name):
    if name == "log":
        return get_napp_logger()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
