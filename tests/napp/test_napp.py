"""kytos/event_bridge inside the Kytos stand-in: lifecycle, settings, reload, REST."""

from __future__ import annotations

import logging
import re
import sys
import threading
import time

import pytest

from event_bridge.testing import MockCluster

from napp_support import KEY, mock_settings, napp_copy, set_settings, status

def test_loads_at_startup_on_the_loop_thread_and_publishes(tmp_path, mock, standin_controller):
    controller = standin_controller(napp_copy(tmp_path, **mock_settings(mock)))
    napp = controller.napps[KEY]
    assert napp._bridge_state == "running"
    for i in range(100):
        controller.put_event("kytos/topology.link_up", {"link": {"id": f"l{i % 7}"}})
    controller.put_event("kytos/core.openflow.raw.in", {"new_data": b"\x04\x00"})
    controller.wait_idle()
    assert napp._bridge.flush(10) == 0
    body = status(controller)
    assert body["state"] == "running" and body["broker"] == "up"
    stats = body["stats"]
    assert stats["filtered"] >= 1  # raw.in, by the default deny list
    assert stats["published"] >= 100
    assert stats["delivered"] == 2 * stats["published"]
    assert body["config"]["bootstrap_servers"] == mock.bootstrap_servers


@pytest.mark.parametrize("setting,value,named", [
    ("DENY", ["("], "settings.DENY[0]"),
    ("ALLOW", ["(a)\\1"], "settings.ALLOW[0]"),
    ("FORMAT", "xml", "settings.FORMAT"),
    ("COMPRESSION", "lz5", "settings.COMPRESSION"),
    ("OVERFLOW_POLICY", "drop_random", "settings.OVERFLOW_POLICY"),
    ("BUFFER_MAX_EVENTS", 0, "settings.BUFFER_MAX_EVENTS"),
    ("BUFFER_MAX_BYTES", 10, "settings.BUFFER_MAX_BYTES"),
    ("MAX_MESSAGE_BYTES", 10, "settings.MAX_MESSAGE_BYTES"),
    ("MAX_DEPTH", 0, "settings.MAX_DEPTH"),
    ("TOPIC_PARTITIONS", "3", "settings.TOPIC_PARTITIONS"),
    ("TOPIC_REPLICATION_FACTOR", 0, "settings.TOPIC_REPLICATION_FACTOR"),
    ("VERBOSE_TOPIC", "bad topic!", "settings.VERBOSE_TOPIC"),
    ("NAPP_TOPIC_PREFIX", "x" * 260, "settings.NAPP_TOPIC_PREFIX"),
    ("KEY_PATHS", ["link..id"], "settings.KEY_PATHS[0]"),
    ("ROUTES", [{"pattern": "kytos/.*"}], "settings.ROUTES"),
    ("ROUTES", [{"pattern": "(", "topic": "t"}], "settings.ROUTES[0].pattern"),
    ("KAFKA", {"no.such.property": "1"}, "settings.KAFKA.no.such.property"),
    ("KAFKA", {"acks": "1"}, "settings.KAFKA.acks"),
    ("KAFKA", {"compression.codec": "gzip"}, "settings.KAFKA.compression.codec"),
    ("KAFKA_ENV", {"sasl.password": "EVENT_BRIDGE_TEST_UNSET_VARIABLE"},
     "settings.KAFKA_ENV.sasl.password"),
    ("FLUSH_TIMEOUT", -1, "settings.FLUSH_TIMEOUT"),
    ("BOOTSTRAP_SERVERS", "", "settings.BOOTSTRAP_SERVERS"),
    ("VERBOSE_TOPIC_ENABLED", "yes", "settings.VERBOSE_TOPIC_ENABLED"),
])
def test_invalid_setting_disables_and_names_it(tmp_path, mock, standin_controller, caplog,
                                               setting, value, named):
    settings = mock_settings(mock)
    settings[setting] = value
    with caplog.at_level(logging.ERROR):
        controller = standin_controller(napp_copy(tmp_path, **settings))
    assert KEY in controller.napps, "an invalid setting must not unload the NApp"
    body = status(controller)
    assert body["state"] == "disabled"
    assert body["reason"].startswith(named + ":"), body["reason"]
    assert any("event_bridge disabled: " + named in r.getMessage() for r in caplog.records)
    # Events still flow through Kytos without errors: the NApp just ignores them.
    controller.put_event("kytos/topology.link_up", {"link": {"id": "l1"}})
    controller.wait_idle()
    assert controller.dead_letter.count() == 0
    metrics = controller.http_request("GET", "kytos/event_bridge/v1/metrics")
    assert 'kytos_event_bridge_state{state="disabled"} 1' in metrics.text


def test_broken_native_module_only_disables_the_napp(tmp_path, mock, standin_controller,
                                                    monkeypatch):
    from event_bridge.status import prometheus_text

    disabled_metrics = prometheus_text(None, "disabled")
    saved = {name: module for name, module in sys.modules.items()
             if name == "event_bridge" or name.startswith("event_bridge.")}
    for name in saved:
        monkeypatch.delitem(sys.modules, name)
    # None in sys.modules makes the import fail with ImportError, as a broken .so would.
    monkeypatch.setitem(sys.modules, "event_bridge", None)
    controller = standin_controller(napp_copy(tmp_path, **mock_settings(mock)))
    body = status(controller)
    assert body["state"] == "disabled"
    assert re.search(r"the event_bridge package failed to load: (ModuleNotFound|Import)Error",
                     body["reason"]), body["reason"]
    controller.put_event("kytos/topology.link_up", {"link": {"id": "l1"}})
    controller.wait_idle()
    # A scraper still sees the state: the same gauge as when the settings are wrong.
    metrics = controller.http_request("GET", "kytos/event_bridge/v1/metrics")
    assert metrics.status_code == 200
    assert metrics.text.startswith("# event_bridge disabled: the event_bridge package failed")
    assert metrics.text.endswith(disabled_metrics)
    assert 'kytos_event_bridge_state{state="disabled"} 1\n' in metrics.text


def test_reload_runs_setup_off_the_loop_rereads_settings_and_closes_the_old_bridge(
        tmp_path, mock, standin_controller):
    source = napp_copy(tmp_path, **mock_settings(mock, SOURCE_ID="before"))
    controller = standin_controller(source)
    old = controller.napps[KEY]
    old_bridge = old._bridge
    assert status(controller)["config"]["source_id"] == "before"
    set_settings(source, **mock_settings(mock, SOURCE_ID="after"))
    assert controller.rest_reload_napp("kytos", "event_bridge") == 200
    new = controller.napps[KEY]
    assert new is not old
    assert old_bridge.closed and old._bridge is None
    assert status(controller)["config"]["source_id"] == "after"
    assert new._bridge.instance != old_bridge.instance
    loop_thread = controller.loop_thread.name
    assert old._shutdown_thread and old._shutdown_thread != loop_thread
    assert new._setup_thread != loop_thread and old._setup_thread == loop_thread


def test_shutdown_on_the_loop_thread_flushes_and_logs(tmp_path, mock, standin_controller, caplog):
    controller = standin_controller(napp_copy(tmp_path, **mock_settings(mock)))
    napp = controller.napps[KEY]
    for i in range(500):
        controller.put_event("kytos/mef_eline.created", {"evc_id": f"e{i}", "name": "x"})
    controller.wait_idle()
    with caplog.at_level(logging.INFO, logger="kytos.napps.kytos/event_bridge"):
        controller.stop_controller()
    assert napp._shutdown_thread == controller.stop_thread_name == "MainThread-loop"
    assert napp._stats()["delivered"] == 2 * napp._stats()["published"] >= 1000
    messages = [r.getMessage() for r in caplog.records]
    lines = [re.search(r"shut down: (\d+) events published, (\d+) records delivered \(a record "
                       r"is one event on one topic\), \d+ of them during the flush, none left", m)
             for m in messages]
    lines = [line for line in lines if line]
    assert len(lines) == 1, messages
    events, records = int(lines[0].group(1)), int(lines[0].group(2))
    # Each event went to the verbose topic and its NApp's topic: two records.
    assert events == napp._stats()["published"] >= 500 and records == 2 * events
    napp.shutdown()  # idempotent


def test_shutdown_with_the_broker_gone_is_bounded_and_reports_what_is_left(
        tmp_path, mock, standin_controller, caplog):
    controller = standin_controller(napp_copy(tmp_path, **mock_settings(mock, FLUSH_TIMEOUT=1.0)))
    napp = controller.napps[KEY]
    mock.set_broker_down(1)
    for i in range(200):
        controller.put_event("kytos/mef_eline.created", {"evc_id": f"e{i}"})
    controller.wait_idle()
    with caplog.at_level(logging.WARNING, logger="kytos.napps.kytos/event_bridge"):
        thread = threading.Thread(target=controller.stop_controller)
        thread.start()
        thread.join(20)
        assert not thread.is_alive(), "shutdown must be bounded by FLUSH_TIMEOUT"
    left = re.findall(r"(\d+) left undelivered", " ".join(r.getMessage() for r in caplog.records))
    assert left and int(left[0]) > 0
    assert napp._stats()["dropped"]["closed"] == int(left[0])


def test_events_after_shutdown_are_counted_and_logged(tmp_path, mock, standin_controller,
                                                     caplog):
    """Kytos may hand a NApp events after its shutdown() returned, until it removes the
    listener: they are not published, but counted (dropped.after_close, in the status the
    closed bridge keeps answering) and logged."""
    controller = standin_controller(napp_copy(tmp_path, **mock_settings(mock)))
    napp = controller.napps[KEY]
    controller.put_event("kytos/mef_eline.created", {"evc_id": "e0"})
    controller.wait_idle()
    napp.shutdown()
    before = napp._stats()
    assert before["published"] >= 1 and before["dropped"]["after_close"] == 0
    with caplog.at_level(logging.WARNING, logger="kytos.napps.kytos/event_bridge"):
        for i in range(12):
            controller.put_event("kytos/mef_eline.created", {"evc_id": f"late{i}"})
        controller.wait_idle()
    after = napp._stats()
    assert after["published"] == before["published"]
    assert after["received"] - before["received"] == 12
    assert after["dropped"]["after_close"] == 12
    messages = [r.getMessage() for r in caplog.records if "after shutdown" in r.getMessage()]
    assert len(messages) == 2, messages  # the 1st and the 10th, not one line per event
    assert messages[0].startswith("event_bridge: 1 events arrived after shutdown")
    assert "kytos/mef_eline.created" in messages[0]
    assert napp._handler_errors == 0


def test_rest_status_redacts_secrets_and_metrics_are_prometheus(tmp_path, mock, standin_controller,
                                                                caplog, monkeypatch):
    monkeypatch.setenv("EVENT_BRIDGE_TEST_SECRET", "s3cr3t-from-env")
    settings = mock_settings(mock, KAFKA={"sasl.username": "kytos", "sasl.password": "hunter2",
                                          "security.protocol": "sasl_plaintext",
                                          "sasl.mechanisms": "PLAIN"},
                             KAFKA_ENV={"ssl.key.password": "EVENT_BRIDGE_TEST_SECRET"})
    with caplog.at_level(logging.DEBUG):
        controller = standin_controller(napp_copy(tmp_path, **settings))
        body = controller.http_request("GET", "kytos/event_bridge/v1/status").text
        metrics = controller.http_request("GET", "kytos/event_bridge/v1/metrics")
        filters = controller.http_request("GET", "kytos/event_bridge/v1/filters").text
    for text in (body, metrics.text, filters, caplog.text):
        assert "hunter2" not in text and "s3cr3t-from-env" not in text
    assert '"sasl.password":"<redacted>"' in body.replace(" ", "")
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "# TYPE kytos_event_bridge_records_delivered_total counter" in metrics.text


def test_filters_and_filter_test(tmp_path, mock, standin_controller):
    controller = standin_controller(napp_copy(tmp_path, **mock_settings(
        mock, ROUTES=[{"pattern": "kytos/mef_eline\\..*", "topic": "evcs", "key_path": "evc_id"}])))
    filters = controller.http_request("GET", "kytos/event_bridge/v1/filters").json()
    assert filters["deny"][0] == "kytos/core\\.openflow\\.raw\\..*"
    assert filters["routes"][0]["topic"] == "evcs"

    def verdict(name):
        response = controller.http_request("POST", "kytos/event_bridge/v1/filters/test",
                                           json={"name": name})
        assert response.status_code == 200, response.text
        return response.json()

    assert verdict("kytos/core.openflow.raw.in")["verdict"] == "filtered"
    assert verdict("kytos/of_core.v0x04.messages.in.ofpt_packet_in")["verdict"] == "filtered"
    link = verdict("kytos/topology.link_up")
    assert link["verdict"] == "publish"
    assert link["topics"] == ["kytos.events", "kytos.events.kytos.topology"]
    evc = verdict("kytos/mef_eline.created")
    assert evc["topics"] == ["kytos.events", "kytos.events.kytos.mef_eline", "evcs"]
    assert evc["key_paths"] == ["evc_id"]
    assert verdict("kytos.flow_manager.flows.install")["topics"][1] == \
        "kytos.events.kytos.flow_manager"
    bad = controller.http_request("POST", "kytos/event_bridge/v1/filters/test", json={"x": 1})
    assert bad.status_code == 400
    # Asking publishes nothing: only the NApp's own .loaded event may have been received.
    assert status(controller)["stats"]["published"] <= 1


def test_handler_never_raises_into_kytos_on_hostile_content(tmp_path, mock, standin_controller):
    class Hostile:
        def as_dict(self):
            raise RuntimeError("boom")

        def __repr__(self):
            raise RuntimeError("no repr")

    controller = standin_controller(napp_copy(tmp_path, **mock_settings(mock)))
    before = status(controller)["stats"]["published"]
    loop = {}
    loop["self"] = loop
    for content in ({"x": Hostile()}, loop, {1: {2: [Hostile()]}}, {"deep": [[[[[[[[]]]]]]]]},
                    {"big": 2**4000}):
        controller.put_event("kytos/test.hostile", content)
    controller.wait_idle()
    napp = controller.napps[KEY]
    assert napp._handler_errors == 0
    stats = status(controller)["stats"]
    assert stats["published"] - before == 5
    assert stats["normalized"]["as_dict_errors"] == 2 and stats["normalized"]["cycles"] == 1


class FailingBridge:
    """A real bridge whose named methods raise, as a broken native call would."""

    def __init__(self, bridge, *failing):
        self._bridge, self._failing = bridge, failing

    def __getattr__(self, name):
        if name in self._failing:
            def fail(*args, **kwargs):
                raise RuntimeError(f"{name} exploded")
            return fail
        return getattr(self._bridge, name)


@pytest.mark.parametrize("failing", [("stats",), ("close",), ("stats", "close")])
def test_shutdown_never_raises_into_kytos(tmp_path, mock, standin_controller, caplog, failing):
    """Kytos calls shutdown() from unload_napp: an error there must not escape (the reload
    would answer 500 and leave the NApp unloaded). It is logged and the bridge ends closed
    if close() itself works."""
    controller = standin_controller(napp_copy(tmp_path, **mock_settings(mock)))
    old = controller.napps[KEY]
    real = old._bridge
    old._bridge = FailingBridge(real, *failing)
    try:
        with caplog.at_level(logging.ERROR, logger="kytos.napps.kytos/event_bridge"):
            assert controller.rest_reload_napp("kytos", "event_bridge") == 200
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1, errors
        for name in failing:
            assert f"{name}() raised RuntimeError: {name} exploded" in errors[0], errors
        assert old._bridge is None and old._bridge_state == "disabled"
        assert old._reason.startswith("shut down with an error: ")
        assert real.closed == ("close" not in failing)
        assert status(controller)["state"] == "running"  # the new instance
        old.shutdown()  # idempotent: nothing more to do, nothing logged
        assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1
    finally:
        real.close(0)


def test_rest_errors_are_json_not_tracebacks(tmp_path, mock, standin_controller, caplog):
    controller = standin_controller(napp_copy(tmp_path, **mock_settings(mock)))
    napp = controller.napps[KEY]
    real = napp._bridge
    napp._bridge = FailingBridge(real, "stats", "route")
    try:
        with caplog.at_level(logging.ERROR, logger="kytos.napps.kytos/event_bridge"):
            for method, path, body, broken in [
                    ("GET", "v1/status", None, "stats"), ("GET", "v1/metrics", None, "stats"),
                    ("POST", "v1/filters/test", {"name": "kytos/topology.link_up"}, "route")]:
                response = controller.http_request(method, f"kytos/event_bridge/{path}",
                                                   json=body)
                assert response.status_code == 500, (path, response.text)
                assert response.headers["content-type"] == "application/json", path
                assert response.json() == {
                    "description": f"event_bridge internal error: RuntimeError: {broken} "
                                   f"exploded", "code": 500}, path
                assert "Traceback" not in response.text
        assert len([r for r in caplog.records if "failed" in r.getMessage()]) == 3
        # Client errors keep their own answers.
        bad = controller.http_request("POST", "kytos/event_bridge/v1/filters/test", json=[1])
        assert bad.status_code == 400 and bad.json()["code"] == 400
    finally:
        napp._bridge = real


def wait_until(predicate, timeout=20.0, poll=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError("condition not met in time")


def test_dropped_events_make_the_status_degraded_for_a_while(tmp_path, mock, standin_controller):
    """Degraded while the broker is down, and once it is back for LOSS_WINDOW seconds after
    the status read that first saw the drops."""
    mock.set_broker_down(1)  # from the start: events wait in the front buffer, which overflows
    controller = standin_controller(napp_copy(tmp_path, **mock_settings(
        mock, BUFFER_MAX_EVENTS=50, NAPP_TOPICS_ENABLED=False)))
    napp = controller.napps[KEY]
    for i in range(1000):
        controller.put_event("kytos/mef_eline.created", {"evc_id": f"e{i % 10}"})
    controller.wait_idle()
    body = status(controller)
    dropped = body["stats"]["dropped"]["buffer_full"]
    assert dropped > 0
    assert body["state"] == "degraded"
    assert f"{dropped} lost recently" in body["reason"], body["reason"]

    mock.set_broker_up(1)
    assert napp._bridge.flush(20) == 0
    body = wait_until(lambda: (lambda b: b if b["broker"] == "up" else None)(status(controller)))
    # The broker is back and the buffer is empty: the drops alone keep it degraded.
    assert body["stats"]["buffered_events"] == 0
    assert body["state"] == "degraded"
    assert body["reason"] == (f"{dropped} lost recently (events dropped or records failed "
                              f"terminally: see stats.dropped, stats.failed_terminal)")
    metrics = controller.http_request("GET", "kytos/event_bridge/v1/metrics").text
    assert 'kytos_event_bridge_state{state="degraded"} 1' in metrics

    napp._losses.window = 0.3  # the rule's window, shortened so the test need not wait 60 s
    time.sleep(0.4)
    body = status(controller)
    assert (body["state"], body["reason"]) == ("running", "")
    assert body["stats"]["dropped"]["buffer_full"] == dropped


def test_a_terminal_failure_makes_the_status_degraded(tmp_path, mock, standin_controller):
    controller = standin_controller(napp_copy(tmp_path, **mock_settings(
        mock, NAPP_TOPICS_ENABLED=False)))
    napp = controller.napps[KEY]
    controller.put_event("kytos/mef_eline.created", {"evc_id": "e0"})
    controller.wait_idle()
    assert napp._bridge.flush(10) == 0
    assert status(controller)["state"] == "running"
    mock.push_request_errors(MockCluster.PRODUCE, 10)  # MSG_SIZE_TOO_LARGE: terminal
    controller.put_event("kytos/mef_eline.created", {"evc_id": "e1"})
    controller.wait_idle()
    assert napp._bridge.flush(10) == 0
    body = status(controller)
    assert body["broker"] == "up" and body["stats"]["failed_terminal"] == 1
    assert body["last_errors"][0]["code"] == "MSG_SIZE_TOO_LARGE"
    assert (body["state"], body["reason"].split(" (")[0]) == ("degraded", "1 lost recently")
