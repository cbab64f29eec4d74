"""Handler decorators and helpers with the behaviour of kytos.core.helpers.

* ``alisten_to`` -- the decorated coroutine gets ``.events``; exceptions are
  logged and the event goes to ``napp.controller.dead_letter``.
* ``listen_to`` -- submits the handler to a ThreadPoolExecutor named
  ``thread_pool_<pool>`` (``sb`` for kytos/of_core* and kytos/core.openflow*
  events, else ``app``; ``pool=`` picks one; ``"dynamic_single"`` gives one
  single-thread executor per handler) and returns at once.
* ``load_spec`` / ``validate_openapi`` / ``avalidate_openapi_request`` --
  MINIMAL: the YAML is parsed (PyYAML) but no OpenAPI schema validation is
  done; only the body / Content-Type (415) part is reproduced.
"""
import functools
import logging
import threading
import traceback
from asyncio import AbstractEventLoop
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from kytos.core.rest_api import Request, content_type_json_or_415, get_body

__all__ = ['listen_to', 'alisten_to', 'now', 'run_on_thread', 'get_time',
           'load_spec', 'validate_openapi', 'validate_openapi_request',
           'avalidate_openapi_request']

LOG = logging.getLogger("kytos.core.helpers")

#: kytos.conf.template default (``thread_pool_max_workers``)
DEFAULT_THREAD_POOL_MAX_WORKERS = {"sb": 256, "db": 256, "app": 512,
                                   "api": 512}

_thread_pool_max_workers = dict(DEFAULT_THREAD_POOL_MAX_WORKERS)


def get_thread_pool_max_workers():
    """The pool sizes in use (real Kytos reads them from kytos.conf)."""
    return dict(_thread_pool_max_workers)


def _new_executor(name, max_workers):
    return ThreadPoolExecutor(max_workers=max_workers,
                              thread_name_prefix=f"thread_pool_{name}")


# pylint: disable=invalid-name
#: In Kytos these are process-global and built once at import.
executors = {name: _new_executor(name, size)
             for name, size in _thread_pool_max_workers.items()}

ds_executors = defaultdict(lambda: ThreadPoolExecutor(
    max_workers=1, thread_name_prefix="dynamic_single"))

#: stand-in only: futures of listen_to calls not yet finished
_pending_futures = set()
_pending_lock = threading.Lock()


def reset_executors(max_workers=None):
    """Stand-in only: give a new controller fresh pools.

    Kytos builds ``executors`` once per process and ``stop_controller``
    shuts them down for good; the stand-in may start several controllers in
    one test process, so each start rebuilds the pools in place.  An empty
    dict selects the ``run_on_thread`` path of ``listen_to``, as in Kytos.
    """
    if max_workers is not None:
        _thread_pool_max_workers.clear()
        _thread_pool_max_workers.update(max_workers)
    old = list(executors.values()) + list(ds_executors.values())
    executors.clear()
    ds_executors.clear()
    for pool in old:
        pool.shutdown(wait=False, cancel_futures=True)
    for name, size in _thread_pool_max_workers.items():
        executors[name] = _new_executor(name, size)


def pending_listen_to_calls():
    """Stand-in only: how many listen_to calls are queued or running."""
    with _pending_lock:
        return len(_pending_futures)


def _track(future):
    with _pending_lock:
        _pending_futures.add(future)

    def _done(fut):
        with _pending_lock:
            _pending_futures.discard(fut)
    future.add_done_callback(_done)


def _dead_letter(napp, event):
    if hasattr(napp, "controller"):
        napp.controller.dead_letter.add_event(event)


def listen_to(event, *events, pool=None):
    """Mark a NApp method as a sync listener of ``event`` / ``events``."""

    def thread_decorator(handler):
        @run_on_thread
        def threaded_handler(*args):
            handler(*args)
        threaded_handler.events = [event, *events]
        return threaded_handler

    # pylint: disable=broad-except
    def thread_pool_decorator(handler):
        def handler_context(*args, **_kwargs):
            napp, kytos_event = args[0], args[1]
            try:
                return handler(*args)
            except Exception:
                LOG.error(f"listen_to handler: {handler}, args: {args} "
                          f"traceback: {traceback.format_exc()}")
                _dead_letter(napp, kytos_event)
                return None

        def get_executor(kytos_event):
            if pool == "dynamic_single":
                return ds_executors[handler]
            if pool and pool in executors:
                return executors[pool]
            if kytos_event is None:
                return executors["app"]
            name = kytos_event.name
            if "sb" in executors and (name.startswith("kytos/of_core") or
                                      name.startswith("kytos/core.openflow")):
                return executors["sb"]
            return executors["app"]

        def inner(*args):
            kytos_event = args[1] if len(args) > 1 else None
            future = get_executor(kytos_event).submit(handler_context, *args)
            _track(future)

        inner.events = [event, *events]
        return inner

    if executors:
        return thread_pool_decorator
    return thread_decorator


def alisten_to(event, *events):
    """Mark a NApp coroutine as an async listener of ``event`` / ``events``.

    The controller creates one asyncio task per matching event per listener.
    """

    def decorator(handler):
        # pylint: disable=broad-except
        async def handler_context(*args, **_kwargs):
            napp, kytos_event = args[0], args[1]
            try:
                return await handler(*args)
            except Exception:
                LOG.error(f"alisten_to handler: {handler}, args: {args} "
                          f"traceback: {traceback.format_exc()}")
                _dead_letter(napp, kytos_event)
                return None

        async def inner(*args):
            return await handler_context(*args)

        inner.events = [event, *events]
        return inner

    return decorator


def now(tzone=timezone.utc):
    """Current datetime, tz-aware (UTC by default)."""
    return datetime.now(tzone)


def run_on_thread(method):
    """Run the decorated function in a new daemon thread; return nothing."""
    def threaded_method(*args):
        thread = threading.Thread(target=method, args=args)
        thread.daemon = True
        thread.start()
    return threaded_method



def get_time(data=None):
    """'%Y-%m-%dT%H:%M:%S' string or datetime kwargs dict -> UTC datetime."""
    if isinstance(data, str):
        date = datetime.strptime(data, "%Y-%m-%dT%H:%M:%S")
    elif isinstance(data, dict):
        date = datetime(**data)
    else:
        return None
    return date.replace(tzinfo=timezone.utc)


def load_spec(yml_file_path: Path):
    """Parse the OpenAPI YAML (PyYAML) and return a dict.

    Kytos also validates the spec and returns an ``openapi_core.Spec``; the
    stand-in does neither.  Without PyYAML the raw text is returned.  A file
    that is missing or not YAML still raises, at import of main.py.
    """
    text = Path(yml_file_path).read_text(encoding="utf-8")
    try:
        import yaml  # pylint: disable=import-outside-toplevel
    except ImportError:
        return text
    return yaml.safe_load(text)


def validate_openapi_request(spec, request: Request,
                             loop: AbstractEventLoop) -> bytes:
    """Sync-route request check: body read on ``loop``; 415 when a body is
    not JSON.  NO schema validation (``spec`` is ignored)."""
    del spec
    body = get_body(request, loop)
    if body:
        content_type_json_or_415(request)
    return body


async def avalidate_openapi_request(spec, request: Request) -> bytes:
    """Async-route request check; returns the body bytes.  415 when a body
    is not JSON.  NO schema validation (``spec`` is ignored)."""
    del spec
    body = await request.body()
    if body:
        content_type_json_or_415(request)
    return body


def validate_openapi(spec):
    """Decorator for sync routes: needs a Request and a NApp argument, then
    runs :func:`validate_openapi_request` (no schema validation)."""
    def validate_decorator(func):
        @functools.wraps(func)
        def wrapper_validate(*args, **kwargs):
            request = napp = None
            for arg in args:
                if isinstance(arg, Request):
                    request = arg
                if hasattr(arg, "controller"):
                    napp = arg
                if request and napp:
                    break
            if not request:
                raise RuntimeError(
                    f"{func.__name__} args doesn't have a Request argument")
            if not napp:
                raise RuntimeError(
                    f"{func.__name__} should be a NApp method to get ev_loop")
            validate_openapi_request(spec, request, napp.controller.loop)
            return func(*args, **kwargs)
        return wrapper_validate
    return validate_decorator

