"""Controller stand-in: the NApp-facing behaviour of kytos.core.controller.

Faithful parts (kytos-ng core 2025.2.0):

* ``<napps>/..`` is appended to ``sys.path``; ``main.py`` is executed as a
  fresh module ``napps.<user>.<name>.main`` via ``spec_from_file_location``
  from ``<napps>/<user>/<name>/main.py`` (the enabled symlink path).
* ``load_napp``: ModuleNotFoundError -> logged, NApp skipped;
  FileNotFoundError -> meta-NApp warning; any exception from
  ``Main(controller=self)`` -> ``KytosNAppSetupException``; then
  ``napp.start()``, routes, listeners.
* ``unload_napp`` calls the ``kytos/core.shutdown.<user>/<name>`` listener
  directly in the calling thread; ``reload_napp`` = unload, reload
  ``settings`` then ``main`` (ImportError -> 400, NApp left unloaded), load.
  ``GET /api/kytos/core/reload/{username}/{napp_name}/`` is the sync
  ``rest_reload_napp`` route, so it runs in an AnyIO worker thread.
* ``notify_listeners``: ``re.match(key + '$')`` unless the key already ends
  in an unescaped ``$``; one ``asyncio.create_task`` per coroutine listener
  per event (kept in ``_alisten_tasks``); sync listeners called inline.
* Six buffers with one consumer task each (created after the startup load).
* ``stop_controller`` runs on the loop thread: stop signal into every buffer,
  thread pools shut down, NApps unloaded in reverse enable order with
  ``shutdown()`` called synchronously on the loop thread, consumer tasks
  cancelled, ``loop.stop()``.  In-flight alisten tasks are abandoned.

Stand-in only: the loop runs in a daemon thread named ``MainThread-loop``
(``start()``) or is the caller's running loop (``await astart()``); there is
no TCP server, uvicorn, auth, watchdog, Mongo, APM or web UI.  The helpers
below the ``stand-in conveniences`` marker do not exist in Kytos.
"""
import asyncio
import concurrent.futures
import logging
import os
import re
import sys
import tempfile
import threading
import time
import traceback
from importlib import import_module, invalidate_caches
from importlib import reload as reload_module
from importlib.util import module_from_spec, spec_from_file_location
from types import SimpleNamespace
from typing import Optional

import anyio.to_thread
import httpx

from kytos.core import helpers
from kytos.core.api_server import APIServer
from kytos.core.buffers import KytosBuffers
from kytos.core.dead_letter import DeadLetter
from kytos.core.events import KytosEvent
from kytos.core.exceptions import KytosNAppSetupException
from kytos.core.helpers import executors, now
from kytos.core.napps.base import NApp
from kytos.core.napps.manager import NAppsManager
from kytos.core.rest_api import JSONResponse, Request

#: name of the thread that runs the controller loop after ``start()``
LOOP_THREAD_NAME = "MainThread-loop"

#: ``sys.path`` entries added by stand-in controllers (removed on purge)
_ADDED_SYS_PATHS = []


def default_options(napps=None, **overrides):
    """The kytos.conf options the stand-in reads."""
    if napps is None:
        napps = os.path.join(tempfile.mkdtemp(prefix="kytos-standin-"),
                             "var", "lib", "kytos", "napps")
    options = SimpleNamespace(
        napps=str(napps),
        thread_pool_max_workers=dict(helpers.DEFAULT_THREAD_POOL_MAX_WORKERS),
        api_traceback_on_500=True,
        authenticate_urls=[],
        event_buffer_maxsize={},   # stand-in: {"app": 10} etc.
        debug=False,
    )
    for key, value in overrides.items():
        setattr(options, key, value)
    return options


def purge_napps_modules():
    """Forget every ``napps``/``napps.*`` module and the stand-in sys.path
    entries, so the next controller imports from its own napps dir."""
    for name in list(sys.modules):
        if name == "napps" or name.startswith("napps."):
            del sys.modules[name]
    while _ADDED_SYS_PATHS:
        path = _ADDED_SYS_PATHS.pop()
        while path in sys.path:
            sys.path.remove(path)
    invalidate_caches()


class Controller:  # pylint: disable=too-many-instance-attributes,too-many-public-methods
    """Loads NApps, dispatches events, serves their routes."""

    def __init__(self, options=None, loop: asyncio.AbstractEventLoop = None,
                 *, napps_dir=None):
        if options is None:
            options = default_options(napps_dir)
        elif napps_dir is not None:
            options.napps = str(napps_dir)
        self.options = options
        self.loop = loop
        self._tasks: list = []
        self._buffers: Optional[KytosBuffers] = None
        self.events_listeners = {'kytos/core.connection.new':
                                 [self.new_connection]}
        self.napps = {}
        self.started_at = None
        self.log = logging.getLogger("kytos.core.controller")
        os.makedirs(self.options.napps, exist_ok=True)
        self.napps_manager = NAppsManager(self)
        self.api_server = APIServer(self.options.napps,
                                    self.options.api_traceback_on_500)
        self.dead_letter = DeadLetter(self)
        self._alisten_tasks = set()
        self._register_endpoints()

        # stand-in bookkeeping
        self.loop_thread: Optional[threading.Thread] = None
        self._owns_loop = False
        #: tasks still pending when the loop was closed (abandoned)
        self.abandoned_tasks: list = []
        #: name of the thread that ran stop_controller()
        self.stop_thread_name: Optional[str] = None

        # One napps dir per process, as in Kytos: forget the previous one.
        purge_napps_modules()
        path = os.path.join(self.options.napps, os.pardir)
        sys.path.append(path)
        _ADDED_SYS_PATHS.append(path)

    # ------------------------------------------------------------------
    # Kytos behaviour
    # ------------------------------------------------------------------
    @property
    def buffers(self) -> KytosBuffers:
        """The six event buffers (created on first use)."""
        if not self._buffers:
            self._buffers = KytosBuffers(
                self.options.thread_pool_max_workers,
                getattr(self.options, "event_buffer_maxsize", None))
        return self._buffers

    def _register_endpoints(self):
        self.api_server.register_core_endpoint(
            'reload/{username}/{napp_name}/', self.rest_reload_napp)
        self.api_server.register_core_endpoint(
            'reload/all', self.rest_reload_all_napps)
        self.dead_letter.register_endpoints()

    def new_connection(self, event):
        """The core's own ``kytos/core.connection.new`` listener (no-op)."""

    async def start_controller(self):
        """Buffers, startup NApp load on this (loop) thread, then consumers."""
        self.log.info("Starting Kytos - Kytos Controller (stand-in)")
        helpers.reset_executors(self.options.thread_pool_max_workers)
        if not self._buffers:
            self._buffers = KytosBuffers(
                self.options.thread_pool_max_workers,
                getattr(self.options, "event_buffer_maxsize", None))
        api_pool = self.options.thread_pool_max_workers.get('api', 512)
        if api_pool:
            anyio.to_thread.current_default_thread_limiter().total_tokens = \
                api_pool
        self.log.info("Loading Kytos NApps...")
        self.load_napps()
        for name in ("conn", "raw", "msg_in"):
            self._tasks.append(self.loop.create_task(self.event_handler(name)))
        self._tasks.append(self.loop.create_task(self.msg_out_event_handler()))
        for name in ("app", "meta"):
            self._tasks.append(self.loop.create_task(self.event_handler(name)))
        self.started_at = now()

    def stop(self, graceful=True):
        """Stop if started (Kytos' ``stop``)."""
        if self.started_at:
            self.stop_controller(graceful)

    def status(self):
        """``Running since ...`` or ``Stopped``."""
        if self.started_at:
            return f"Running since {self.started_at}"
        return "Stopped"

    def uptime(self):
        """timedelta since start, or 0."""
        return now() - self.started_at if self.started_at else 0

    def notify_listeners(self, event):
        """Dispatch ``event`` to every listener whose key matches its name.

        Must run on the loop thread (``asyncio.create_task``).
        """
        for event_regex, listeners in dict(self.events_listeners).items():
            if event_regex[-1] != '$' or event_regex[-2] == '\\':
                event_regex += '$'
            if re.match(event_regex, event.name):
                for listener in listeners:
                    if asyncio.iscoroutinefunction(listener):
                        task = asyncio.create_task(listener(event))
                        self._alisten_tasks.add(task)
                        task.add_done_callback(self._alisten_tasks.discard)
                    else:
                        listener(event)

    # pylint: disable=broad-exception-caught
    async def event_handler(self, buffer_name: str):
        """Consumer task of one buffer: FIFO (or priority) dispatch."""
        event_buffer = getattr(self.buffers, buffer_name)
        while True:
            try:
                await asyncio.sleep(0)
                event = await event_buffer.aget()
                self.notify_listeners(event)
                if event.name == "kytos/core.shutdown":
                    break
            except Exception as exc:
                self.log.exception(f"Unhandled exception on {buffer_name}",
                                   exc_info=exc)

    async def msg_out_event_handler(self):
        """msg_out consumer: ``destination.send(message.pack())`` and only
        then notify (skipped when there is no destination or it is in the
        FINISHED state).  An OSError turns the event into
        ``kytos/core.<proto>.connection.error`` on the conn buffer."""
        while True:
            triggered_event = None
            try:
                triggered_event = await self.buffers.msg_out.aget()
                if triggered_event.name == "kytos/core.shutdown":
                    break
                message = triggered_event.content['message']
                destination = triggered_event.destination
                state = getattr(getattr(destination, "state", None), "name",
                                None)
                if destination and state != "FINISHED":
                    destination.send(message.pack())
                    self.notify_listeners(triggered_event)
            except OSError:
                proto = getattr(getattr(triggered_event.destination,
                                        "protocol", None), "name", "openflow")
                triggered_event.name = f"kytos/core.{proto}.connection.error"
                triggered_event.content["exception"] = (
                    "Connection state: "
                    f"{getattr(triggered_event.destination, 'state', None)}")
                await self.buffers.conn.aput(triggered_event)
            except Exception as exc:
                self.log.exception("Unhandled exception on msg_out",
                                   exc_info=exc)

    def _import_napp(self, username, napp_name):
        """Execute main.py as a fresh ``napps.<user>.<name>.main`` module."""
        mod_name = '.'.join(['napps', username, napp_name, 'main'])
        path = os.path.join(self.options.napps, username, napp_name,
                            'main.py')
        napp_spec = spec_from_file_location(mod_name, path)
        napp_module = module_from_spec(napp_spec)
        sys.modules[napp_spec.name] = napp_module
        napp_spec.loader.exec_module(napp_module)
        return napp_module

    def load_napp(self, username, napp_name):
        """Import, construct (setup() runs in THIS thread), start, route,
        listen.  Raises KytosNAppSetupException if Main(...) raised."""
        if (username, napp_name) in self.napps:
            self.log.warning('NApp %s/%s was already loaded',
                             username, napp_name)
            return
        try:
            napp_module = self._import_napp(username, napp_name)
        except ModuleNotFoundError as err:
            self.log.error("Error loading NApp '%s/%s': %s",
                           username, napp_name, err)
            return
        except FileNotFoundError as err:
            self.log.warning(
                "NApp module not found, assuming it's a meta-napp: %s",
                err.filename)
            return
        try:
            napp = napp_module.Main(controller=self)
        except Exception as exc:  # pylint: disable=broad-except
            msg = f"NApp {username}/{napp_name} exception {str(exc)} "
            raise KytosNAppSetupException(msg) from exc

        self.napps[(username, napp_name)] = napp
        napp.start()
        self.api_server.authenticate_endpoints(napp)
        self.api_server.register_napp_endpoints(napp)
        # pylint: disable=protected-access
        for event, listeners in napp._listeners.items():
            self.events_listeners.setdefault(event, []).extend(listeners)

    def load_napps(self):
        """Load every enabled NApp, oldest kytos.json mtime first."""
        for napp in self.napps_manager.get_enabled_napps():
            try:
                self.log.info("Loading NApp %s", napp.id)
                self.load_napp(napp.username, napp.name)
            except FileNotFoundError as exception:
                self.log.error("Could not load NApp %s: %s",
                               napp.id, exception)
                msg = f"NApp {napp.id} exception {str(exception)}"
                raise KytosNAppSetupException(msg) from exception

    def unload_napp(self, username, napp_name):
        """Shut the NApp down in THIS thread, drop its routes and listeners.

        Returns the NApp instance, or None if it was not loaded.
        """
        napp = self.napps.pop((username, napp_name), None)
        if napp is None:
            self.log.warning('NApp %s/%s was not loaded', username, napp_name)
            return None
        self.log.info("Shutting down NApp %s/%s...", username, napp_name)
        napp_id = NApp(username, napp_name).id
        event = KytosEvent(name='kytos/core.shutdown.' + napp_id)
        napp_shutdown_fn = self.events_listeners[event.name][0]
        napp_shutdown_fn(event)
        self.api_server.remove_napp_endpoints(napp)
        # pylint: disable=protected-access
        for event_type, napp_listeners in napp._listeners.items():
            event_listeners = self.events_listeners[event_type]
            for listener in napp_listeners:
                event_listeners.remove(listener)
            if not event_listeners:
                del self.events_listeners[event_type]
        return napp

    def unload_napps(self):
        """Unload the enabled NApps in reverse load order."""
        napps = []
        for napp in reversed(self.napps_manager.get_enabled_napps()):
            if napp := self.unload_napp(napp.username, napp.name):
                napps.append(napp)
        return napps

    def reload_napp_module(self, username, napp_name, napp_file):
        """``importlib.reload(napps.<user>.<name>.<napp_file>)``."""
        mod_name = '.'.join(['napps', username, napp_name, napp_file])
        try:
            napp_module = import_module(mod_name)
        except ModuleNotFoundError:
            self.log.error("Module '%s' not found", mod_name)
            raise
        try:
            reload_module(napp_module)
        except ImportError as err:
            self.log.error("Error reloading NApp '%s/%s': %s",
                           username, napp_name, err)
            raise

    def reload_napp(self, username, napp_name):
        """unload, reload settings and main, load.  Returns 200 or 400."""
        self.unload_napp(username, napp_name)
        try:
            self.reload_napp_module(username, napp_name, 'settings')
            self.reload_napp_module(username, napp_name, 'main')
        except (ModuleNotFoundError, ImportError):
            return 400
        self.log.info("NApp '%s/%s' successfully reloaded",
                      username, napp_name)
        self.load_napp(username, napp_name)
        return 200

    def rest_reload_napp(self, request, napp_name=None, *, timeout=60):
        """Two uses.

        * ``rest_reload_napp(request)`` -- the Kytos route handler of
          ``GET /api/kytos/core/reload/{username}/{napp_name}/`` (sync, so
          Starlette runs it in an AnyIO worker thread); returns a
          JSONResponse ``"reloaded"`` or ``"fail to reload"`` (400).
        * ``rest_reload_napp("kytos", "event_bridge")`` -- stand-in shortcut:
          performs that GET through the app on the controller loop (so the
          reload really runs in a worker thread) and returns the HTTP status
          (200, 400, or 500 when setup() raised).  Call it from any thread
          but the loop thread.
        """
        if isinstance(request, str):
            response = self.http_request(
                "GET", f"kytos/core/reload/{request}/{napp_name}/",
                timeout=timeout)
            return response.status_code
        username = request.path_params["username"]
        name = request.path_params["napp_name"]
        res = self.reload_napp(username, name)
        if res == 200:
            return JSONResponse('reloaded')
        return JSONResponse('fail to reload', status_code=res)

    def rest_reload_all_napps(self, _request: Request) -> JSONResponse:
        """``GET /api/kytos/core/reload/all``."""
        for napp in self.napps:
            self.reload_napp(*napp)
        return JSONResponse('reloaded')

    def stop_controller(self, graceful=True, *, timeout=60):
        """Kytos' stop sequence, always executed ON THE LOOP THREAD.

        Called from another thread while the loop runs, it is scheduled with
        ``call_soon_threadsafe`` and waited for; the loop thread is then
        joined and the loop closed.  Exceptions (e.g. from a NApp's
        shutdown()) propagate to the caller, as they would in Kytos.
        """
        if self._loop_runs_elsewhere():
            try:
                return self.call_on_loop(self._stop_controller_on_loop,
                                         graceful, timeout=timeout)
            finally:
                if self._owns_loop:
                    self._join_and_close_loop(timeout)
        return self._stop_controller_on_loop(graceful)

    def _stop_controller_on_loop(self, graceful=True):
        self.log.info("Stopping Kytos")
        self.stop_thread_name = threading.current_thread().name
        self.buffers.send_stop_signal()
        for executor_pool in executors.values():
            executor_pool.shutdown(wait=graceful, cancel_futures=True)
        self.started_at = None
        napps = self.unload_napps()
        for napp in napps:
            napp.__dict__['_KytosNApp__event'].wait()
        for task in self._tasks:
            task.cancel()
        self.api_server.stop()
        if self._owns_loop and self.loop is not None:
            self.loop.stop()

    # ------------------------------------------------------------------
    # stand-in conveniences (not part of Kytos)
    # ------------------------------------------------------------------
    def start(self, timeout: float = 60):
        """Run the loop in a daemon thread ``MainThread-loop`` and perform
        the startup (NApps load on that thread).  Like kytosd, a startup
        failure (e.g. KytosNAppSetupException) ends in SystemExit, with the
        original exception as ``__cause__``; the loop is then closed."""
        if self.loop is None:
            self.loop = asyncio.new_event_loop()
        self._owns_loop = True
        ready = threading.Event()

        def run_loop():
            asyncio.set_event_loop(self.loop)
            self.loop.call_soon(ready.set)
            try:
                self.loop.run_forever()
            finally:
                asyncio.set_event_loop(None)

        self.loop_thread = threading.Thread(target=run_loop,
                                            name=LOOP_THREAD_NAME,
                                            daemon=True)
        self.loop_thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("controller loop did not start")

        async def start_catching():
            try:
                await self.start_controller()
            except Exception as exc:  # pylint: disable=broad-except
                return exc
            return None

        exc = asyncio.run_coroutine_threadsafe(start_catching(),
                                               self.loop).result(timeout)
        if exc is not None:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._join_and_close_loop(timeout)
            exc_fmt = ''.join(traceback.format_exception(
                type(exc), exc, exc.__traceback__))
            raise SystemExit(f"Kytos couldn't start because of {exc} "
                             f"{exc_fmt}") from exc
        return self

    async def astart(self):
        """Adopt the caller's running loop (e.g. the pytest-asyncio one):
        the test thread becomes the loop thread.  Startup errors propagate
        as-is (kytosd would sys.exit).  ``stop_controller()`` will not stop
        a loop it does not own."""
        self.loop = asyncio.get_running_loop()
        self.loop_thread = threading.current_thread()
        self._owns_loop = False
        await self.start_controller()
        return self

    def is_loop_thread(self) -> bool:
        """True when called on the controller loop's thread."""
        try:
            return asyncio.get_running_loop() is self.loop
        except RuntimeError:
            return (self.loop_thread is not None
                    and threading.current_thread() is self.loop_thread)

    def _loop_runs_elsewhere(self) -> bool:
        return (self.loop is not None and self.loop.is_running()
                and not self.is_loop_thread())

    def call_on_loop(self, func, *args, timeout: float = 30, **kwargs):
        """Run a plain function on the loop thread and return its result
        (inline when already there)."""
        if not self._loop_runs_elsewhere():
            return func(*args, **kwargs)
        future = concurrent.futures.Future()

        def callback():
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(func(*args, **kwargs))
            except BaseException as exc:  # pylint: disable=broad-except
                future.set_exception(exc)

        self.loop.call_soon_threadsafe(callback)
        return future.result(timeout)

    def run_coroutine(self, coro, timeout: float = 30):
        """Run a coroutine on the controller loop from another thread."""
        if self.is_loop_thread():
            coro.close()
            raise RuntimeError("run_coroutine() would block the loop thread;"
                               " await the coroutine instead")
        return asyncio.run_coroutine_threadsafe(coro,
                                                self.loop).result(timeout)

    def put_event(self, name, content=None, buffer="app", **kwargs):
        """Sync-put a new KytosEvent into a buffer; returns the event."""
        event = KytosEvent(name=name, content=content, **kwargs)
        getattr(self.buffers, buffer).put(event)
        return event

    def _idle_now(self) -> bool:
        for napp in list(self.napps.values()):
            loaded_put = getattr(napp, "_standin_loaded_put", None)
            if loaded_put is not None and napp.ident is not None \
                    and not loaded_put.is_set():
                return False    # its thread has not put ".loaded" yet
        if any(not buf.empty() for buf in self.buffers.get_all_buffers()):
            return False
        if any(not task.done() for task in list(self._alisten_tasks)):
            return False
        return helpers.pending_listen_to_calls() == 0

    def wait_idle(self, timeout: float = 10, poll: float = 0.002):
        """Block (off the loop thread) until every loaded NApp's thread has
        put its ``.loaded`` event, every buffer is empty, every alisten task
        is done and no listen_to call is pending."""
        deadline = time.monotonic() + timeout
        while True:
            if self.call_on_loop(self._idle_now, timeout=timeout):
                return
            if time.monotonic() > deadline:
                raise TimeoutError("controller did not become idle")
            time.sleep(poll)

    async def await_idle(self, timeout: float = 10, poll: float = 0.002):
        """``wait_idle`` for a coroutine: on the controller loop (adopted
        mode) or on any other loop."""
        deadline = time.monotonic() + timeout
        while True:
            if self.is_loop_thread():
                idle = self._idle_now()
            else:
                idle = await asyncio.wrap_future(
                    self._submit_to_loop(self._idle_now))
            if idle:
                return
            if time.monotonic() > deadline:
                raise TimeoutError("controller did not become idle")
            await asyncio.sleep(poll)

    def _submit_to_loop(self, func):
        future = concurrent.futures.Future()

        def callback():
            try:
                future.set_result(func())
            except BaseException as exc:  # pylint: disable=broad-except
                future.set_exception(exc)
        self.loop.call_soon_threadsafe(callback)
        return future

    # ---- HTTP ----
    def get_test_client(self, napp=None, *, raise_app_exceptions=False,
                        base_url="http://127.0.0.1/api/"):
        """``httpx.AsyncClient`` on the app, like kytos.lib.helpers'.

        Requests are served ON THE CONTROLLER LOOP (as uvicorn would), so
        async routes run on the loop thread and sync routes in AnyIO worker
        threads of that loop, whatever loop the test awaits on.  An
        unhandled route error gives HTTP 500 (``raise_app_exceptions=True``
        re-raises it instead, like a bare ASGITransport).
        """
        if napp is not None and not self._routes_of(napp):
            self.api_server.register_napp_endpoints(napp)
        transport = LoopASGITransport(self, raise_app_exceptions)
        return httpx.AsyncClient(transport=transport, base_url=base_url)

    def get_sync_test_client(self, *, raise_app_exceptions=False,
                             base_url="http://127.0.0.1/api/", timeout=60):
        """``httpx.Client`` served on the controller loop (not usable from
        the loop thread itself)."""
        transport = LoopASGITransport(self, raise_app_exceptions, timeout)
        return httpx.Client(transport=transport, base_url=base_url)

    def http_request(self, method, url, *, timeout=60, **kwargs):
        """One request through the sync client; returns httpx.Response."""
        with self.get_sync_test_client(timeout=timeout) as client:
            return client.request(method, url, **kwargs)

    def _routes_of(self, napp):
        prefix = self.api_server._NAPP_PREFIX.format(napp=napp)  # pylint: disable=protected-access
        return [route for route in self.api_server.app.routes
                if route.path.startswith(prefix)]

    def route_paths(self):
        """Every registered path (core and NApps)."""
        return [route.path for route in self.api_server.app.routes]

    # ---- teardown ----
    def _join_and_close_loop(self, timeout: float = 60):
        if self.loop_thread is not None and self._owns_loop:
            self.loop_thread.join(timeout)
            if self.loop_thread.is_alive():
                raise TimeoutError("controller loop thread did not stop")
        loop = self.loop
        if loop is None or loop.is_closed() or loop.is_running():
            return
        pending = [task for task in asyncio.all_tasks(loop)
                   if not task.done()]
        for task in pending:
            # abandoned exactly as Kytos abandons them; only the GC warning
            # "Task was destroyed but it is pending!" is silenced
            task._log_destroy_pending = False  # pylint: disable=protected-access
        self.abandoned_tasks.extend(pending)
        loop.close()

    def teardown(self, timeout: float = 60):
        """Idempotent clean-up for tests: stop_controller() if still
        running, close the loop, join NApp threads, forget ``napps.*``."""
        napps = list(self.napps.values())
        try:
            if self.started_at and self.loop is not None \
                    and not self.loop.is_closed():
                self.stop_controller(timeout=timeout)
        finally:
            if self._owns_loop and self.loop is not None \
                    and not self.loop.is_closed():
                if self.loop.is_running():
                    self.loop.call_soon_threadsafe(self.loop.stop)
                self._join_and_close_loop(timeout)
            for napp in napps:
                if napp.is_alive() and napp is not threading.current_thread():
                    napp.join(5)
            self._close_abandoned_coroutines()
            purge_napps_modules()

    def _close_abandoned_coroutines(self):
        """Close the coroutines of abandoned tasks now (Kytos leaves that to
        the garbage collector): ``finally`` blocks run here, in the tearing
        down thread, and never-started handlers do not warn "coroutine ...
        was never awaited" at a random later point of the test session."""
        loop = self.loop
        if loop is None or not loop.is_closed():
            return
        for task in self.abandoned_tasks:
            coro = task.get_coro()
            try:
                coro.close()
            except BaseException as exc:  # pylint: disable=broad-except
                self.log.warning("closing abandoned task %r raised %r",
                                 task, exc)


class LoopASGITransport(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """httpx transport that runs the ASGI app on the controller loop."""

    def __init__(self, controller: Controller, raise_app_exceptions=False,
                 timeout: float = 60):
        self.controller = controller
        self.raise_app_exceptions = raise_app_exceptions
        self.timeout = timeout

    async def _serve(self, method, url, headers, body):
        inner = httpx.ASGITransport(
            app=self.controller.api_server.app,
            raise_app_exceptions=self.raise_app_exceptions)
        request = httpx.Request(method, url, headers=headers, content=body)
        response = await inner.handle_async_request(request)
        content = await response.aread()
        return response.status_code, response.headers.multi_items(), content

    async def handle_async_request(self, request):
        body = await request.aread()
        coro = self._serve(request.method, request.url, request.headers, body)
        if self.controller.is_loop_thread():
            status, headers, content = await coro
        else:
            future = asyncio.run_coroutine_threadsafe(coro,
                                                      self.controller.loop)
            status, headers, content = await asyncio.wrap_future(future)
        return httpx.Response(status, headers=headers, content=content)

    def handle_request(self, request):
        if self.controller.is_loop_thread():
            raise RuntimeError("a sync HTTP request from the loop thread "
                               "would deadlock; use get_test_client()")
        body = request.read()
        coro = self._serve(request.method, request.url, request.headers, body)
        status, headers, content = asyncio.run_coroutine_threadsafe(
            coro, self.controller.loop).result(self.timeout)
        return httpx.Response(status, headers=headers, content=content)
