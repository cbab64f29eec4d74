"""napp/settings.py: every setting refused when invalid, a file that cannot run, misspelt
names, and agreement with event_bridge.config.OPTIONS."""

from __future__ import annotations

import ast
import logging
import os
import runpy

import pytest

from event_bridge import OPTIONS
from event_bridge.settings import FLUSH_TIMEOUT_MAX, NAPP_SETTINGS, setting_name

from napp_support import KEY, NAPP_SOURCE_DIR, Expr, mock_settings, napp_copy, set_settings, status

NAPP_LOGGER = "kytos.napps.kytos/event_bridge"


def settings_constants() -> list:
    """The UPPER_CASE constants napp/settings.py assigns, in file order."""
    tree = ast.parse((NAPP_SOURCE_DIR / "settings.py").read_text())
    return [target.id for node in tree.body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name) and target.id.isupper()]


# One invalid value for every setting of napp/settings.py; the test below fails when a
# setting is added without one.
INVALID = {
    "BOOTSTRAP_SERVERS": "",
    "SOURCE_ID": 7,
    "ALLOW": ["("],
    "DENY": "kytos/.*",
    "VERBOSE_TOPIC_ENABLED": "yes",
    "VERBOSE_TOPIC": "bad topic!",
    "NAPP_TOPICS_ENABLED": 1,
    "NAPP_TOPIC_PREFIX": "x" * 260,
    "ROUTES": [{"pattern": "kytos/.*"}],
    "KEY_PATHS": ["link..id"],
    "KNOWN_USERS": [3],
    "DEFAULT_USER": None,
    "CREATE_TOPICS": "no",
    "TOPIC_PARTITIONS": 0,
    "TOPIC_REPLICATION_FACTOR": 0,
    "TOPIC_CONFIG": ["retention.ms"],
    "FORMAT": "xml",
    "COMPRESSION": "lz5",
    "KAFKA": {"no.such.property": "1"},
    "KAFKA_ENV": {"sasl.password": "EVENT_BRIDGE_TEST_UNSET_VARIABLE"},
    "MAX_MESSAGE_BYTES": 10,
    "MAX_DEPTH": 0,
    "BUFFER_MAX_EVENTS": 0,
    "BUFFER_MAX_BYTES": 10,
    "OVERFLOW_POLICY": "drop_random",
    "FLUSH_TIMEOUT": Expr("float('nan')"),
}


def assert_disabled_naming(controller, caplog, named: str) -> str:
    """The NApp is loaded, disabled, and its status reason and one error line name `named`."""
    assert KEY in controller.napps, "a bad settings.py must not unload the NApp"
    body = status(controller)
    assert body["state"] == "disabled", body
    reason = body["reason"]
    assert reason.startswith(named) and reason[len(named)] in ":[.", reason
    assert not reason.split(": ", 1)[1].startswith("settings."), reason  # said once
    errors = [r.getMessage() for r in caplog.records
              if r.name == NAPP_LOGGER and r.levelno >= logging.ERROR]
    assert errors == ["event_bridge disabled: " + reason], errors
    # Events still flow through Kytos without errors: the NApp just ignores them.
    controller.put_event("kytos/topology.link_up", {"link": {"id": "l1"}})
    controller.wait_idle()
    assert controller.dead_letter.count() == 0
    metrics = controller.http_request("GET", "kytos/event_bridge/v1/metrics")
    assert 'kytos_event_bridge_state{state="disabled"} 1' in metrics.text
    return reason


def test_every_setting_has_an_invalid_case():
    assert set(INVALID) == set(settings_constants())


@pytest.mark.parametrize("name", settings_constants())
def test_an_invalid_value_of_every_setting_disables_and_names_it(
        tmp_path, mock, standin_controller, caplog, name):
    settings = mock_settings(mock)
    settings[name] = INVALID[name]
    with caplog.at_level(logging.ERROR):
        controller = standin_controller(napp_copy(tmp_path, **settings))
    assert_disabled_naming(controller, caplog, f"settings.{name}")


@pytest.mark.parametrize("value", [
    -1, -0.5, Expr("float('nan')"), Expr("float('inf')"), Expr("-float('inf')"),
    FLUSH_TIMEOUT_MAX + 1, 1e9, True, "5", None])
def test_flush_timeout_must_be_a_sane_number_of_seconds(tmp_path, mock, standin_controller,
                                                        caplog, value):
    with caplog.at_level(logging.ERROR):
        controller = standin_controller(napp_copy(tmp_path, **mock_settings(
            mock, FLUSH_TIMEOUT=value)))
    reason = assert_disabled_naming(controller, caplog, "settings.FLUSH_TIMEOUT")
    assert "seconds" in reason


@pytest.mark.parametrize("value", [0, 0.5, FLUSH_TIMEOUT_MAX])
def test_flush_timeout_in_range_is_taken(tmp_path, mock, standin_controller, value):
    controller = standin_controller(napp_copy(tmp_path, **mock_settings(
        mock, FLUSH_TIMEOUT=value)))
    assert status(controller)["state"] == "running"
    assert controller.napps[KEY]._flush_timeout == value


@pytest.mark.parametrize("misspelt,meant", [
    ("BOOTSTRAP_SERVER", "BOOTSTRAP_SERVERS"),
    ("FLUSH_TIMOUT", "FLUSH_TIMEOUT"),
    ("BUFFER_MAX_EVENT", "BUFFER_MAX_EVENTS"),
    ("VERBOSE_TOPIC_ENABLE", "VERBOSE_TOPIC_ENABLED"),
])
def test_a_misspelt_setting_is_an_error_with_a_suggestion(tmp_path, mock, standin_controller,
                                                          caplog, misspelt, meant):
    settings = mock_settings(mock)
    settings[misspelt] = settings.get(meant, 1)
    with caplog.at_level(logging.ERROR):
        controller = standin_controller(napp_copy(tmp_path, **settings))
    reason = assert_disabled_naming(controller, caplog, f"settings.{misspelt}")
    assert f"unknown setting (did you mean {meant}?" in reason


def test_constants_of_ones_own_start_with_an_underscore(tmp_path, mock, standin_controller):
    source = napp_copy(tmp_path)
    set_settings(source, f"_HOST = {mock.bootstrap_servers!r}", "BOOTSTRAP_SERVERS = _HOST",
                 "CREATE_TOPICS = False", "import json as _json")
    controller = standin_controller(source)
    assert status(controller)["state"] == "running"


@pytest.mark.parametrize("line,error", [
    ("FLUSH_TIMEOUT = = 5", "SyntaxError: invalid syntax"),
    ("FLUSH_TIMEOUT = 1 / 0", "ZeroDivisionError: division by zero"),
    ("BOOTSTRAP_SERVERS = os.environ['EVENT_BRIDGE_TEST_UNSET_VARIABLE']",
     "KeyError: 'EVENT_BRIDGE_TEST_UNSET_VARIABLE'"),
])
def test_a_settings_file_that_cannot_run_disables_the_napp_not_kytos(
        tmp_path, mock, standin_controller, caplog, line, error):
    """At startup the NApp is imported on the loop thread: without the guard in main.py
    the error would end kytosd (CONTRACT 0.6). A fixed file is read on the next reload."""
    source = napp_copy(tmp_path)
    set_settings(source, line, **mock_settings(mock))
    line_number = (source / "settings.py").read_text().splitlines().index(line) + 1
    with caplog.at_level(logging.ERROR):
        controller = standin_controller(source)
    assert KEY in controller.napps
    body = status(controller)
    assert body["state"] == "disabled"
    settings_path = os.path.join(controller.options.napps, "kytos", "event_bridge",
                                 "settings.py")
    assert body["reason"] == (f"{settings_path} could not be loaded: {error} "
                              f"(line {line_number})"), body["reason"]
    errors = [r.getMessage() for r in caplog.records
              if r.name == NAPP_LOGGER and r.levelno >= logging.ERROR]
    assert errors == ["event_bridge disabled: " + body["reason"]], errors

    set_settings(source, **mock_settings(mock, SOURCE_ID="fixed"))
    assert controller.rest_reload_napp("kytos", "event_bridge") == 200
    body = status(controller)
    assert body["state"] == "running", body
    assert body["config"]["source_id"] == "fixed"


def napp_settings_defaults(monkeypatch) -> dict:
    """napp/settings.py run as Kytos runs it, with none of its environment variables set."""
    for variable in list(os.environ):
        if variable.startswith("KYTOS_EVENT_BRIDGE_"):
            monkeypatch.delenv(variable)
    values = runpy.run_path(str(NAPP_SOURCE_DIR / "settings.py"))
    return {name: value for name, value in values.items() if name.isupper()}


# Where settings.py deliberately differs from the library's default, and why.
NAPP_DEFAULTS = {
    # Required by the library; settings.py offers Kafka's usual local address.
    "BOOTSTRAP_SERVERS": "localhost:9092",
    # The library filters nothing; the NApp leaves out the per-chunk raw TCP events and
    # the per-OpenFlow-message events (CONTRACT 0.7).
    "DENY": [r"kytos/core\.openflow\.raw\..*", r".*\.messages\.in\..*",
             r".*\.messages\.out\..*"],
}


def test_settings_py_and_options_agree(monkeypatch):
    """config.py's OPTIONS and napp/settings.py list the same options with the same
    defaults (but for NAPP_DEFAULTS), each documented by a comment."""
    defaults = napp_settings_defaults(monkeypatch)
    expected = {setting_name(option.name): option.default for option in OPTIONS}
    expected.update({name: default for name, (_, default, _) in NAPP_SETTINGS.items()})
    assert list(defaults) == settings_constants()
    assert set(defaults) == set(expected), (set(defaults) ^ set(expected))
    for name, value in defaults.items():
        assert value == NAPP_DEFAULTS.get(name, expected[name]), name
        assert type(value) is type(expected[name]), name
    for name, value in NAPP_DEFAULTS.items():
        assert value != expected[name], f"{name} no longer differs: drop it from NAPP_DEFAULTS"

    # Documented: each assignment sits in a paragraph with a comment, or has one inline.
    lines = (NAPP_SOURCE_DIR / "settings.py").read_text().splitlines()
    for name in defaults:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{name} = "))
        paragraph = []
        for i in range(at, -1, -1):
            if not lines[i].strip():
                break
            paragraph.append(lines[i])
        assert "#" in lines[at] or any(line.startswith("#") for line in paragraph), \
            f"settings.{name} has no comment describing it"
