"""kytos_standin: a faithful test stand-in of the kytos.core names the
event_bridge NApp uses.  Importing this package (or ``standin_host``) puts
this folder on sys.path, which makes the top-level ``kytos`` package the
stand-in.  See README.md."""
import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from standin_host import (install_napp, make_controller,  # noqa: E402  pylint: disable=wrong-import-position
                          napps_dir_for, running_controller,
                          teardown_controller)

__all__ = ["install_napp", "make_controller", "napps_dir_for",
           "running_controller", "teardown_controller"]
