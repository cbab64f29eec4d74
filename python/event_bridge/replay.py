"""A small replay host: runs the real NApp (napp/main.py) and dispatches events as Kytos does.

Kytos-ng is not installed where the demo runs, so when `kytos.core` cannot be imported
this module provides the few names the NApp uses: KytosNApp, alisten_to, rest and the
rest_api helpers. Dispatch follows Kytos: for every event, every listener whose regex
matches the whole name gets its own asyncio task (CONTRACT.md section 3); the benchmark's
copy of Kytos's dispatch (bench/harness/kytos.py) uses the same notify_listeners.
"""

from __future__ import annotations

import abc
import asyncio
import importlib
import importlib.util
import json
import logging
import re
import sys
import tempfile
import threading
import types
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from event_bridge.install import NAME, USER, install_napp, napp_source_dir

LOG = logging.getLogger("event_bridge.replay")


def _shim_kytos() -> None:
    """Register a minimal kytos.core in sys.modules, unless the real one is importable."""
    try:
        import kytos.core  # noqa: F401
        return
    except ImportError:
        pass

    class KytosNApp(threading.Thread, metaclass=abc.ABCMeta):
        def __init__(self, controller: Any, **kwargs: Any) -> None:
            super().__init__(daemon=False)
            self.controller = controller
            meta = json.loads((Path(sys.modules[type(self).__module__].__file__).parent
                               / "kytos.json").read_text())
            for key, value in meta.items():
                setattr(self, key, value)
            self.setup()
            self._listeners: dict = {}
            for attr in dir(self):
                if attr.startswith("_"):
                    continue
                method = getattr(self, attr)
                for pattern in getattr(method, "events", ()):
                    self._listeners.setdefault(pattern, []).append(method)

        @abc.abstractmethod
        def setup(self) -> None: ...

        @abc.abstractmethod
        def execute(self) -> None: ...

        @abc.abstractmethod
        def shutdown(self) -> None: ...

    def alisten_to(event: str, *events: str) -> Callable:
        def decorator(handler: Callable) -> Callable:
            async def inner(self: Any, received: Any) -> None:
                try:
                    await handler(self, received)
                except Exception:  # noqa: BLE001 - Kytos logs and dead-letters
                    LOG.exception("handler %s failed on %s", handler.__name__, received.name)
            inner.events = [event, *events]
            inner.__name__ = handler.__name__
            return inner
        return decorator

    def rest(rule: str, methods: Optional[list] = None) -> Callable:
        def decorator(handler: Callable) -> Callable:
            handler.route_params = getattr(handler, "route_params", []) + [(rule, methods)]
            return handler
        return decorator

    class HTTPException(Exception):
        def __init__(self, status_code: int, detail: str = "") -> None:
            super().__init__(detail)
            self.status_code, self.detail = status_code, detail

    class JSONResponse:
        def __init__(self, content: Any, status_code: int = 200) -> None:
            self.content, self.status_code = content, status_code

    async def aget_json_or_400(request: Any) -> Any:
        return await request.json()

    core = types.ModuleType("kytos.core")
    core.KytosNApp, core.rest, core.log = KytosNApp, rest, logging.getLogger("kytos.napps")
    helpers = types.ModuleType("kytos.core.helpers")
    helpers.alisten_to = alisten_to
    rest_api = types.ModuleType("kytos.core.rest_api")
    rest_api.HTTPException, rest_api.JSONResponse = HTTPException, JSONResponse
    rest_api.Request, rest_api.aget_json_or_400 = object, aget_json_or_400
    kytos = types.ModuleType("kytos")
    kytos.core, core.helpers, core.rest_api = core, helpers, rest_api
    sys.modules.update({"kytos": kytos, "kytos.core": core, "kytos.core.helpers": helpers,
                        "kytos.core.rest_api": rest_api})


def notify_listeners(events_listeners: dict, event: Any, tasks: set,
                     log: logging.Logger = LOG) -> None:
    """kytos/core/controller.py notify_listeners, for a controller's listener map
    (pattern -> listeners): each key gets '$' appended unless it already ends with an
    unescaped one, is re.match()ed against the event name, and every matching coroutine
    listener gets its own task (kept in tasks until it is done); others are called."""
    log.debug("looking for listeners for %s", event)
    for event_regex, listeners in dict(events_listeners).items():
        if event_regex[-1] != "$" or event_regex[-2] == "\\":
            event_regex += "$"
        if re.match(event_regex, event.name):
            log.debug("Calling listeners for %s", event)
            for listener in listeners:
                if asyncio.iscoroutinefunction(listener):
                    task = asyncio.create_task(listener(event))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                else:
                    listener(event)


class ReplayHost:
    """Loads kytos/event_bridge like Kytos does and replays events through it."""

    def __init__(self, settings: Optional[dict] = None, napps_root: Optional[Path] = None):
        _shim_kytos()
        self._tmp = None
        if napps_root is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="event-bridge-replay-")
            napps_root = Path(self._tmp.name)
        napps = Path(napps_root) / "napps"
        napps.mkdir(parents=True, exist_ok=True)
        install_napp(napps, enable=True, source=napp_source_dir())
        if str(napps_root) not in sys.path:
            sys.path.insert(0, str(napps_root))
        self._root = str(napps_root)
        package = f"napps.{USER}.{NAME}"
        # A previous host's napps packages point at its own (now deleted) directory.
        for module in [m for m in sys.modules if m in ("napps", f"napps.{USER}")
                       or m == package or m.startswith(package + ".")]:
            del sys.modules[module]
        self.settings = importlib.import_module(f"{package}.settings")
        for key, value in (settings or {}).items():
            setattr(self.settings, key, value)
        spec = importlib.util.spec_from_file_location(
            f"{package}.main", napps / USER / NAME / "main.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        self.loop = asyncio.new_event_loop()
        self.napp = module.Main(controller=self)

    def dispatch(self, events: Iterable[Any],
                 progress: Optional[Callable[[int], None]] = None) -> int:
        """Dispatch every event on the loop, one task per matching async listener."""
        async def run() -> int:
            count = 0
            tasks: set = set()
            for event in events:
                notify_listeners(self.napp._listeners, event, tasks)  # noqa: SLF001
                count += 1
                if progress:
                    progress(count)
                await asyncio.sleep(0)  # as Kytos's buffer consumer does between events
            if tasks:
                await asyncio.gather(*tasks)
            return count
        return self.loop.run_until_complete(run())

    def stop(self) -> None:
        """Controller stop: shutdown() on the loop thread, then close the loop."""
        self.napp.shutdown()
        self.loop.close()
        if self._root in sys.path:
            sys.path.remove(self._root)
        if self._tmp is not None:
            self._tmp.cleanup()
