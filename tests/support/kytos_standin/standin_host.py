"""Build a napps dir, start a stand-in controller, tear it down.

Usage (see README.md)::

    from standin_host import make_controller, teardown_controller
    controller = make_controller(tmp_path, "/work/main/napp")
    try:
        ...
    finally:
        teardown_controller(controller)

Importing this module puts this folder on ``sys.path`` so ``import kytos``
finds the stand-in.
"""
from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Iterable, Optional, Union

STANDIN_DIR = Path(__file__).resolve().parent


def ensure_importable() -> None:
    """Put the stand-in folder first on sys.path (idempotent)."""
    path = str(STANDIN_DIR)
    if path not in sys.path:
        sys.path.insert(0, path)


ensure_importable()

from kytos.core.controller import (Controller,  # noqa: E402  pylint: disable=wrong-import-position
                                   default_options)

PathLike = Union[str, os.PathLike]


def napps_dir_for(tmp_path: PathLike) -> Path:
    """``<tmp>/var/lib/kytos/napps`` (contains ``/kytos/napps/`` like the
    Kytos default, which the Kytos watchdog regex relies on)."""
    return Path(tmp_path) / "var" / "lib" / "kytos" / "napps"


def _touch_init(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "__init__.py").touch()


def install_napp(napps_dir: PathLike, source_dir: PathLike,
                 user: str = "kytos", name: str = "event_bridge",
                 enable: bool = True) -> Path:
    """CONTRACT 1.4 layout; returns the enabled (or installed) path.

    ``<napps>/.installed/<user>/<name>`` -> ``source_dir`` (absolute),
    ``<napps>/<user>/<name>`` -> the ``.installed`` link (absolute), plus
    ``__init__.py`` in both ``<user>`` folders.
    """
    napps = Path(napps_dir)
    source = Path(source_dir).resolve()
    installed_user = napps / ".installed" / user
    _touch_init(installed_user)
    installed = installed_user / name
    if not installed.is_symlink():
        installed.symlink_to(source, target_is_directory=True)
    if not enable:
        return installed
    enabled_user = napps / user
    _touch_init(enabled_user)
    enabled = enabled_user / name
    if not enabled.is_symlink():
        enabled.symlink_to(installed, target_is_directory=True)
    return enabled


def make_controller(tmp_path: PathLike,
                    napp_source_dir: Optional[PathLike] = None,
                    user: str = "kytos", name: str = "event_bridge", *,
                    start: bool = True,
                    settle: bool = True,
                    extra_napps: Iterable[tuple] = (),
                    **options) -> Controller:
    """Create ``<tmp>/var/lib/kytos/napps``, install+enable the NApp(s),
    build a Controller and (by default) ``start()`` it: the loop runs in
    thread ``MainThread-loop`` and the NApps are loaded ON that thread, as
    at kytosd startup.  With ``settle`` (default) it then waits until the
    NApps' ``<user>/<name>.loaded`` events have been handled, so a test
    starts from a quiet controller.  ``extra_napps``: ``(source_dir, user, name)``
    tuples, installed too; load order is the kytos.json mtime order, as in
    Kytos (touch the files to force an order).
    ``options``: overrides of :func:`default_options`, e.g.
    ``thread_pool_max_workers={"app": 4}``, ``event_buffer_maxsize={"app":
    8}``.  Always pair with :func:`teardown_controller`.
    """
    napps = napps_dir_for(tmp_path)
    napps.mkdir(parents=True, exist_ok=True)
    if napp_source_dir is not None:
        install_napp(napps, napp_source_dir, user, name)
    for source, e_user, e_name in extra_napps:
        install_napp(napps, source, e_user, e_name)
    controller = Controller(default_options(napps, **options))
    if start:
        controller.start()
        if settle:
            controller.wait_idle()
    return controller


def teardown_controller(controller: Optional[Controller],
                        timeout: float = 60) -> None:
    """Stop (if still running), close the loop, forget ``napps.*``."""
    if controller is not None:
        controller.teardown(timeout)


@contextlib.contextmanager
def running_controller(tmp_path: PathLike,
                       napp_source_dir: Optional[PathLike] = None,
                       user: str = "kytos", name: str = "event_bridge",
                       **kwargs):
    """``with running_controller(tmp_path, src) as controller: ...``"""
    controller = make_controller(tmp_path, napp_source_dir, user, name,
                                 **kwargs)
    try:
        yield controller
    finally:
        teardown_controller(controller)


__all__ = ["STANDIN_DIR", "ensure_importable", "napps_dir_for",
           "install_napp", "make_controller", "teardown_controller",
           "running_controller", "Controller", "default_options"]
