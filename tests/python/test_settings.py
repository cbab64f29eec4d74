"""event_bridge.settings: Kytos-style settings modules to a Config, with errors that name
the settings.py constant."""

from __future__ import annotations

import math
import types

import pytest

from event_bridge import ConfigError
from event_bridge.settings import (FLUSH_TIMEOUT_MAX, config_from_settings, known_settings,
                                   native_error_to_setting)

BASE = {"BOOTSTRAP_SERVERS": "127.0.0.1:9092"}


def error_of(**settings) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config_from_settings({**BASE, **settings})
    return info.value


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, -1, -0.001,
                                   FLUSH_TIMEOUT_MAX + 0.5, 1e12, 2**80, 10**400])
def test_flush_timeout_out_of_range(value):
    error = error_of(FLUSH_TIMEOUT=value)
    assert error.field == "FLUSH_TIMEOUT"
    assert str(error) == (f"settings.FLUSH_TIMEOUT: expected seconds between 0 and "
                          f"{FLUSH_TIMEOUT_MAX:g}, got {value!r}")


@pytest.mark.parametrize("value", [True, "5", None, [5]])
def test_flush_timeout_of_the_wrong_type(value):
    error = error_of(FLUSH_TIMEOUT=value)
    assert str(error).startswith("settings.FLUSH_TIMEOUT: expected a number of seconds, got ")


@pytest.mark.parametrize("value", [0, 0.25, 5, FLUSH_TIMEOUT_MAX])
def test_flush_timeout_in_range(value):
    _, napp = config_from_settings({**BASE, "FLUSH_TIMEOUT": value})
    assert napp == {"FLUSH_TIMEOUT": float(value)}


def test_flush_timeout_cap_is_documented():
    from event_bridge.settings import NAPP_SETTINGS

    assert FLUSH_TIMEOUT_MAX == 300
    assert f"0 to {FLUSH_TIMEOUT_MAX:g}" in NAPP_SETTINGS["FLUSH_TIMEOUT"][2]


def test_unknown_constant_is_an_error_with_a_suggestion():
    error = error_of(BOOTSTRAP_SERVER="x:1")
    assert error.field == "BOOTSTRAP_SERVER"
    assert str(error) == ("settings.BOOTSTRAP_SERVER: unknown setting (did you mean "
                          "BOOTSTRAP_SERVERS? A constant of your own must start with '_')")


def test_unknown_constant_without_a_close_match():
    assert str(error_of(WHATEVER=1)) == ("settings.WHATEVER: unknown setting (no setting has a "
                                         "similar name. A constant of your own must start "
                                         "with '_')")


def test_every_unknown_constant_is_named():
    error = error_of(FLUSH_TIMOUT=1, DENNY=[])
    assert error.field == "DENNY"
    assert "settings.DENNY: unknown setting (did you mean DENY?" in str(error)
    assert "settings.FLUSH_TIMOUT: unknown setting (did you mean FLUSH_TIMEOUT?" in str(error)


def test_private_names_modules_and_lower_case_are_not_settings():
    module = types.ModuleType("settings")
    module.BOOTSTRAP_SERVERS = "127.0.0.1:9092"
    module._HOST = "x"
    module.os = types
    module.JSON = types  # an imported module, whatever its name
    module.helper = 1
    config, _ = config_from_settings(module)
    assert config.bootstrap_servers == "127.0.0.1:9092"


def test_known_settings_are_the_options_and_flush_timeout():
    names = known_settings()
    assert names[0] == "BOOTSTRAP_SERVERS" and names[-1] == "FLUSH_TIMEOUT"
    assert len(names) == len(set(names))


def test_the_constant_is_named_once():
    for settings, head in [({"SOURCE_ID": 7}, "settings.SOURCE_ID: "),
                           ({"FLUSH_TIMEOUT": -1}, "settings.FLUSH_TIMEOUT: "),
                           ({"KAFKA_ENV": {"sasl.password": "EVENT_BRIDGE_TEST_UNSET_VARIABLE"}},
                            "settings.KAFKA_ENV.sasl.password: ")]:
        error = error_of(**settings)
        reworded = native_error_to_setting(error)
        assert reworded == str(error) and reworded.startswith(head), reworded
        assert reworded.count("settings.") == 1, reworded


def test_native_field_is_reworded_to_the_constant():
    error = ConfigError("deny[0]: missing )")
    error.field = "deny[0]"
    assert native_error_to_setting(error) == "settings.DENY[0]: missing )"
