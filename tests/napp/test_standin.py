"""Pin the faithfulness of the kytos stand-in (tests/support/kytos_standin).

Each test writes a tiny throwaway NApp into tmp_path and runs it under the
stand-in controller, checking the kytos-ng 2025.2.0 behaviours the
event_bridge NApp relies on (CONTRACT.md sections 1-4).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

STANDIN = Path(__file__).resolve().parents[1] / "support" / "kytos_standin"
if str(STANDIN) not in sys.path:
    sys.path.insert(0, str(STANDIN))

from standin_host import (install_napp, make_controller,  # noqa: E402
                          napps_dir_for, teardown_controller)

from kytos.core import KytosEvent  # noqa: E402
from kytos.core.controller import LOOP_THREAD_NAME, Controller  # noqa: E402
from kytos.core.exceptions import KytosNAppSetupException  # noqa: E402

USER, NAME = "kytos", "probe"

MAIN_PY = '''
import asyncio
import threading

from kytos.core import KytosEvent, KytosNApp, log, rest
from kytos.core.helpers import alisten_to, listen_to
from kytos.core.rest_api import (HTTPException, JSONResponse, Request,
                                 aget_json_or_400, get_json_or_400)

from napps.kytos.probe import settings

RECORD = settings.RECORD          # shared with the test through settings
LOGGER_NAME = log.name
RECORD.setdefault("main_executions", 0)
RECORD["main_executions"] += 1


class Main(KytosNApp):
    def setup(self):
        if settings.FAIL_SETUP:
            raise ValueError("setup failed on purpose")
        self.value = settings.VALUE
        self.seen = []
        RECORD.setdefault("setup", []).append(
            (threading.current_thread().name, settings.VALUE))
        RECORD["instance"] = self

    def execute(self):
        RECORD.setdefault("execute", []).append(
            threading.current_thread().name)

    def shutdown(self):
        RECORD.setdefault("shutdown", []).append(
            (threading.current_thread().name, self.value))

    @alisten_to(".*")
    async def on_any(self, event):
        RECORD.setdefault("started", []).append(event.name)
        RECORD.setdefault("handler_threads", set()).add(
            threading.current_thread().name)
        if event.name == "probe/boom":
            raise RuntimeError("handler failed on purpose")
        if event.name.startswith("probe/slow"):
            await asyncio.sleep(0.05)
        self.seen.append(event.name)

    @alisten_to("kytos/topology.link_*")
    async def on_link_glob(self, event):
        RECORD.setdefault("glob", []).append(event.name)

    @alisten_to("kytos/topology.link_.*")
    async def on_link_regex(self, event):
        RECORD.setdefault("regex", []).append(event.name)

    @listen_to("probe/sync.*")
    def on_sync(self, event):
        RECORD.setdefault("sync", []).append(
            (event.name, threading.current_thread().name))
        if event.name == "probe/sync_boom":
            raise RuntimeError("sync handler failed on purpose")

    @rest("v1/value", methods=["GET"])
    async def get_value(self, request: Request) -> JSONResponse:
        return JSONResponse({"value": self.value,
                             "thread": threading.current_thread().name})

    @rest("v1/echo", methods=["POST"])
    def echo(self, request: Request) -> JSONResponse:
        body = get_json_or_400(request, self.controller.loop)
        return JSONResponse({"body": body,
                             "thread": threading.current_thread().name})

    @rest("v1/aecho", methods=["POST"])
    async def aecho(self, request: Request) -> JSONResponse:
        body = await aget_json_or_400(request)
        if body == {"teapot": True}:
            raise HTTPException(418, detail="short and stout")
        return JSONResponse({"body": body})
'''


def settings_py(value: int, fail_setup: bool = False) -> str:
    # RECORD survives reloads: it lives in a module that is never reloaded.
    return textwrap.dedent(f'''
        import builtins
        RECORD = builtins.__dict__.setdefault("_kytos_standin_probe", {{}})
        VALUE = {value!r}
        FAIL_SETUP = {fail_setup!r}
    ''')


def write_napp(root: Path, *, value: int = 1, main_py: str = MAIN_PY,
               fail_setup: bool = False, name: str = NAME) -> Path:
    src = root / f"src_{name}"
    src.mkdir(parents=True, exist_ok=True)
    (src / "kytos.json").write_text(json.dumps({
        "author": "test", "username": USER, "name": name,
        "description": "stand-in probe", "version": "0.0.1",
        "napp_dependencies": [], "license": "MIT", "tags": [], "url": ""}))
    (src / "__init__.py").write_text("")
    write_settings(src, value, fail_setup)
    (src / "main.py").write_text(
        main_py.replace("napps.kytos.probe ", f"napps.kytos.{name} "))
    return src


def write_settings(src: Path, value: int, fail_setup: bool = False) -> None:
    path = src / "settings.py"
    path.write_text(settings_py(value, fail_setup))
    # a rewrite within the same second could hit a stale .pyc: bump mtime
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


@pytest.fixture()
def record():
    import builtins
    rec = builtins.__dict__.setdefault("_kytos_standin_probe", {})
    rec.clear()
    yield rec
    rec.clear()


@pytest.fixture()
def started(tmp_path, record):
    """A started controller with the probe NApp loaded at startup."""
    src = write_napp(tmp_path)
    controller = make_controller(tmp_path, src, USER, NAME)
    try:
        wait_loaded(controller, record)
        yield controller, src
    finally:
        teardown_controller(controller)


def wait_loaded(controller, record, name=NAME, timeout=5):
    """Wait for the NApp thread's '<user>/<name>.loaded' to be handled."""
    deadline = time.monotonic() + timeout
    while f"{USER}/{name}.loaded" not in record.get("started", ()):
        assert time.monotonic() < deadline, "no .loaded event"
        time.sleep(0.005)
    controller.wait_idle()


def napp_of(controller, name=NAME):
    return controller.napps[(USER, name)]


# ---------------------------------------------------------------- layout

def test_layout_imports_like_kytos(started, record):
    controller, src = started
    napps = Path(controller.options.napps)
    installed = napps / ".installed" / USER / NAME
    enabled = napps / USER / NAME
    assert installed.is_symlink() and installed.resolve() == src.resolve()
    assert enabled.is_symlink() and os.readlink(enabled) == str(installed)
    assert (napps / USER / "__init__.py").exists()
    assert (napps / ".installed" / USER / "__init__.py").exists()
    assert os.path.join(str(napps), os.pardir) in sys.path
    assert not (napps / "__init__.py").exists()  # napps: namespace package

    napp = napp_of(controller)
    module = sys.modules[f"napps.{USER}.{NAME}.main"]
    assert type(napp).__module__ == f"napps.{USER}.{NAME}.main"
    assert module.__file__ == str(enabled / "main.py")
    # kytos.json keys are attributes; `name` also names the NApp thread
    assert (napp.username, napp.name, napp.version) == (USER, NAME, "0.0.1")
    assert napp.napp_id == f"{USER}/{NAME}" and napp._name == NAME
    assert napp.daemon is False
    # `from kytos.core import log` in a napps/<user>/<name>/ file
    assert module.LOGGER_NAME == f"kytos.napps.{USER}/{NAME}"


def test_startup_runs_setup_on_loop_thread_and_execute_on_napp_thread(
        started, record):
    controller, _ = started
    controller.wait_idle()
    assert controller.loop_thread.name == LOOP_THREAD_NAME
    assert record["setup"] == [(LOOP_THREAD_NAME, 1)]
    deadline = time.monotonic() + 5
    while "execute" not in record and time.monotonic() < deadline:
        time.sleep(0.01)
    assert record["execute"] == [NAME]      # the NApp's own thread
    # run() put "<user>/<name>.loaded" on the meta buffer; .* received it
    deadline = time.monotonic() + 5
    while f"{USER}/{NAME}.loaded" not in record.get("started", ()) \
            and time.monotonic() < deadline:
        time.sleep(0.01)
        controller.wait_idle()
    assert f"{USER}/{NAME}.loaded" in record["started"]
    assert record["handler_threads"] == {LOOP_THREAD_NAME}


# ---------------------------------------------------------------- events

def test_listener_keys_are_anchored_regexes_not_globs(started, record):
    controller, _ = started
    for name in ("kytos/topology.link_up", "kytos/topology.link",
                 "kytos/topology.link__", "kytos/topology.link_down.extra"):
        controller.put_event(name)
    controller.wait_idle()
    # 'link_*' = "link" followed by underscores, matched on the whole name
    assert record["glob"] == ["kytos/topology.link", "kytos/topology.link__"]
    assert record["regex"] == ["kytos/topology.link_up",
                               "kytos/topology.link__",
                               "kytos/topology.link_down.extra"]


def test_notify_listeners_dollar_rule(started):
    controller, _ = started
    seen = []

    def listener(event):
        seen.append(event.name)
    controller.call_on_loop(controller.events_listeners.update, {
        "a.b$": [listener], r"x\$": [listener]})
    for name in ("a.b", "a.bc", "x$", "x$y"):
        controller.call_on_loop(controller.notify_listeners, KytosEvent(name))
    assert seen == ["a.b", "x$"]


def test_one_task_per_listener_per_event_fifo(started, record):
    controller, _ = started
    controller.wait_idle()
    record.pop("started", None)
    created = []
    real_create_task = asyncio.create_task

    def spy(coro, **kwargs):
        task = real_create_task(coro, **kwargs)
        created.append(task)
        return task
    names = [f"probe/slow.{i}" for i in range(30)]
    asyncio.create_task = spy
    try:
        for name in names:
            controller.put_event(name)
        controller.wait_idle()
    finally:
        asyncio.create_task = real_create_task
    assert len(created) == len(names)         # one .* listener -> 1 each
    assert record["started"] == names         # started in FIFO order
    assert not controller._alisten_tasks      # done tasks are discarded
    napp = napp_of(controller)
    assert sorted(e for e in napp.seen if e.startswith("probe/slow")) == sorted(names)

    # an event matched by three async listeners -> three tasks
    created.clear()
    asyncio.create_task = spy
    try:
        controller.put_event("kytos/topology.link__")
        controller.wait_idle()
    finally:
        asyncio.create_task = real_create_task
    assert len(created) == 3


def test_same_event_object_for_every_listener(started, record):
    controller, _ = started
    seen = []

    async def other(event):
        seen.append(event)
    controller.call_on_loop(controller.events_listeners.setdefault(
        "probe/shared", []).append, other)
    sent = controller.put_event("probe/shared", {"k": 1})
    controller.wait_idle()
    assert seen == [sent]


def test_handler_exception_goes_to_dead_letter(started, record, caplog):
    controller, _ = started
    with caplog.at_level(logging.ERROR, logger="kytos.core.helpers"):
        bad = controller.put_event("probe/boom", {"x": 1})
        controller.put_event("probe/after")
        controller.wait_idle()
    assert controller.dead_letter.count("probe/boom") == 1
    assert controller.dead_letter.dict["probe/boom"][str(bad.id)] is bad
    assert "alisten_to handler" in caplog.text
    assert "handler failed on purpose" in caplog.text
    assert "probe/after" in napp_of(controller).seen   # no crash
    client = controller.get_sync_test_client()
    listed = client.get("kytos/core/dead_letter/").json()
    assert list(listed["probe/boom"]) == [str(bad.id)]


def test_listen_to_runs_in_thread_pool_and_dead_letters(started, record):
    controller, _ = started
    controller.put_event("probe/sync.ok")
    controller.put_event("probe/sync_boom")
    controller.wait_idle()
    threads = dict(record["sync"])
    assert threads["probe/sync.ok"].startswith("thread_pool_app")
    assert controller.dead_letter.count("probe/sync_boom") == 1


def test_buffer_put_blocks_when_full_and_aput_waits(tmp_path, record):
    controller = make_controller(tmp_path, None, start=False,
                                 event_buffer_maxsize={"app": 2})
    try:
        app = controller.buffers.app
        app.put(KytosEvent("a"))
        app.put(KytosEvent("b"))
        import queue
        with pytest.raises(queue.Full):
            app.put(KytosEvent("c"), timeout=0.05)
        controller.start()        # consumer drains the buffer
        app.put(KytosEvent("c"), timeout=5)
        controller.wait_idle()
        assert app.empty()
    finally:
        teardown_controller(controller)


# ---------------------------------------------------------------- REST

async def test_routes_under_api_user_name(started, record):
    controller, _ = started
    paths = controller.route_paths()
    base = f"/api/{USER}/{NAME}/"
    for rule in ("v1/value", "v1/echo", "v1/aecho"):
        assert base + rule in paths and base + rule + "/" in paths
    async with controller.get_test_client() as client:
        resp = await client.get(f"{USER}/{NAME}/v1/value")
        assert resp.status_code == 200
        assert resp.json() == {"value": 1, "thread": LOOP_THREAD_NAME}
        resp = await client.get(f"{USER}/{NAME}/v1/value/")
        assert resp.status_code == 200
        # a sync route runs in an AnyIO worker thread; body read on the loop
        resp = await client.post(f"{USER}/{NAME}/v1/echo", json={"a": [1]})
        assert resp.json() == {"body": {"a": [1]},
                               "thread": "AnyIO worker thread"}
        resp = await client.post(f"{USER}/{NAME}/v1/echo", content=b"{no")
        assert resp.status_code == 400
        assert resp.json()["code"] == 400
        assert resp.json()["description"].startswith("Invalid json:")
        resp = await client.post(f"{USER}/{NAME}/v1/aecho",
                                 json={"teapot": True})
        assert resp.status_code == 418
        assert resp.json() == {"description": "short and stout", "code": 418}
        assert resp.content == b'{"description":"short and stout","code":418}'
        resp = await client.get(f"{USER}/{NAME}/v1/nope")
        assert resp.status_code == 404


def test_json_response_is_compact_with_datetime_and_set():
    from datetime import datetime, timezone

    from kytos.core.rest_api import JSONResponse
    body = JSONResponse({"t": datetime(2026, 1, 2, tzinfo=timezone.utc),
                         "s": {3, 1, 2}, "é": 1}).body
    assert body == ('{"t":"2026-01-02T00:00:00+00:00","s":[1,2,3],"é":1}'
                    .encode())


# ---------------------------------------------------------------- reload

def test_rest_reload_rereads_settings_in_worker_thread(started, record):
    controller, src = started
    old = napp_of(controller)
    old_main = sys.modules[f"napps.{USER}.{NAME}.main"]
    executions = record["main_executions"]
    write_settings(src, 2)
    status = controller.rest_reload_napp(USER, NAME)
    assert status == 200
    new = napp_of(controller)
    assert new is not old and new.value == 2
    assert type(new) is not type(old)                  # fresh module
    assert sys.modules[f"napps.{USER}.{NAME}.main"] is not old_main
    assert record["main_executions"] == executions + 2  # reload + import
    # old instance shut down and new one set up in the REST worker thread
    assert record["shutdown"] == [("AnyIO worker thread", 1)]
    assert record["setup"][-1] == ("AnyIO worker thread", 2)
    old.join(5)
    assert not old.is_alive()
    # listeners and routes belong to the new instance only
    listeners = controller.events_listeners[".*"]
    assert len(listeners) == 1 and listeners[0].__self__ is new
    client = controller.get_sync_test_client()
    assert client.get(f"{USER}/{NAME}/v1/value").json()["value"] == 2


def test_reload_missing_settings_is_400_and_leaves_napp_unloaded(
        started, record):
    controller, src = started
    (src / "settings.py").rename(src / "settings_gone.py")
    assert controller.rest_reload_napp(USER, NAME) == 400
    assert (USER, NAME) not in controller.napps
    assert ".*" not in controller.events_listeners
    assert not [p for p in controller.route_paths()
                if p.startswith(f"/api/{USER}/{NAME}/")]
    assert record["shutdown"] == [("AnyIO worker thread", 1)]


def test_reload_setup_error_is_500_and_napp_unloaded(started, record):
    controller, src = started
    write_settings(src, 3, fail_setup=True)
    assert controller.rest_reload_napp(USER, NAME) == 500
    assert (USER, NAME) not in controller.napps


# ---------------------------------------------------------------- stop

def test_stop_controller_runs_shutdown_on_loop_thread(started, record):
    controller, _ = started
    napp = napp_of(controller)
    controller.put_event("probe/x")
    controller.wait_idle()
    controller.stop_controller()
    assert controller.stop_thread_name == LOOP_THREAD_NAME
    assert record["shutdown"] == [(LOOP_THREAD_NAME, 1)]
    assert not controller.napps and ".*" not in controller.events_listeners
    assert controller.loop.is_closed() and not controller.loop_thread.is_alive()
    assert napp.__dict__["_KytosNApp__event"].is_set()
    # shutdown() is called once even if the handler fires again
    napp._shutdown_handler(KytosEvent("kytos/core.shutdown"))
    assert len(record["shutdown"]) == 1
    # every buffer got kytos/core.shutdown and now rejects events
    controller.buffers.app.put(KytosEvent("late"))
    assert controller.buffers.app.qsize() == 1      # only the stop signal


def test_stop_controller_abandons_in_flight_alisten_tasks(started, record):
    controller, _ = started
    blocker = controller.call_on_loop(asyncio.Event)  # never set

    async def stuck(event):
        await blocker.wait()
    controller.call_on_loop(controller.events_listeners.setdefault(
        "probe/stuck", []).append, stuck)
    controller.put_event("probe/stuck")
    deadline = time.monotonic() + 5
    while not controller._alisten_tasks and time.monotonic() < deadline:
        time.sleep(0.01)
    controller.stop_controller()
    pending = [t for t in controller.abandoned_tasks
               if t.get_coro().__name__ == "stuck"]
    assert len(pending) == 1 and not pending[0].done()


# ---------------------------------------------------------------- loading

def test_module_not_found_skips_the_napp(tmp_path, record, caplog):
    src = write_napp(tmp_path, main_py="import no_such_module_standin\n")
    ok = write_napp(tmp_path, name="probe_ok")
    with caplog.at_level(logging.ERROR, logger="kytos.core.controller"):
        controller = make_controller(tmp_path, src, USER, NAME,
                                     extra_napps=[(ok, USER, "probe_ok")])
    try:
        assert (USER, NAME) not in controller.napps
        assert (USER, "probe_ok") in controller.napps   # others still load
        assert "Error loading NApp 'kytos/probe'" in caplog.text
        assert "no_such_module_standin" in caplog.text
    finally:
        teardown_controller(controller)


def test_setup_exception_is_kytos_napp_setup_exception(tmp_path, record):
    src = write_napp(tmp_path, fail_setup=True)
    napps = napps_dir_for(tmp_path)
    install_napp(napps, src, USER, NAME)
    controller = Controller(napps_dir=napps)
    try:
        with pytest.raises(KytosNAppSetupException) as info:
            controller.load_napp(USER, NAME)     # setup() on this thread
        assert isinstance(info.value.__cause__, ValueError)
        assert "NApp kytos/probe exception setup failed on purpose" in \
            str(info.value)
        assert (USER, NAME) not in controller.napps
        # at startup the same error stops the whole controller (sys.exit)
        with pytest.raises(SystemExit) as exited:
            controller.start()
        assert isinstance(exited.value.__cause__, KytosNAppSetupException)
        assert controller.loop.is_closed()
    finally:
        teardown_controller(controller)


def test_missing_main_py_is_a_meta_napp(tmp_path, record, caplog):
    src = write_napp(tmp_path)
    (src / "main.py").unlink()
    with caplog.at_level(logging.WARNING, logger="kytos.core.controller"):
        controller = make_controller(tmp_path, src, USER, NAME)
    try:
        assert not controller.napps
        assert "assuming it's a meta-napp" in caplog.text
    finally:
        teardown_controller(controller)


async def test_adopted_loop_mode(tmp_path, record):
    """The controller can also run on the test's own loop."""
    src = write_napp(tmp_path)
    controller = make_controller(tmp_path, src, USER, NAME, start=False)
    try:
        await controller.astart()
        me = threading.current_thread().name
        assert record["setup"] == [(me, 1)]
        await controller.buffers.app.aput(KytosEvent("probe/async"))
        await controller.await_idle()
        assert "probe/async" in napp_of(controller).seen
        async with controller.get_test_client() as client:
            resp = await client.get(f"{USER}/{NAME}/v1/value")
            assert resp.json()["thread"] == me
        controller.stop_controller()
        assert record["shutdown"] == [(me, 1)]
        assert asyncio.get_running_loop().is_running()  # not ours to stop
    finally:
        teardown_controller(controller)
