"""Kytos-style settings modules (UPPER_CASE constants) to a validated Config."""

from __future__ import annotations

import difflib
from types import ModuleType
from typing import Any, Mapping, Union

from event_bridge.config import OPTIONS, Config, ConfigError

# The longest FLUSH_TIMEOUT accepted: shutdown() blocks a Kytos reload, disable or stop
# for up to that long, and a larger value is a typo (milliseconds for seconds) far more
# often than a wish.
FLUSH_TIMEOUT_MAX = 300.0

# Settings of the NApp itself, beside the bridge's options.
NAPP_SETTINGS = {
    "FLUSH_TIMEOUT": (float, 5.0,
                      "Seconds shutdown() waits for buffered events to be delivered "
                      f"(reload, disable, controller stop); 0 to {FLUSH_TIMEOUT_MAX:g}."),
}


def setting_name(option: str) -> str:
    """The settings.py constant for an option: bootstrap_servers -> BOOTSTRAP_SERVERS."""
    return option.upper()


def _error(setting: str, reason: str) -> ConfigError:
    error = ConfigError(f"settings.{setting}: {reason}")
    error.field = setting
    return error


def known_settings() -> list:
    """Every constant settings.py may set: the options in upper case, then the NApp's own."""
    return [setting_name(option.name) for option in OPTIONS] + list(NAPP_SETTINGS)


def _check_unknown(values: Mapping[str, Any]) -> None:
    """An UPPER_CASE constant that is no setting is a typo until proven otherwise."""
    known = known_settings()
    problems = []
    for name in sorted(values):
        if name in known or name.startswith("_") or not name.isupper() \
                or isinstance(values[name], ModuleType):
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}?" if close else "no setting has a similar name."
        problems.append(f"settings.{name}: unknown setting ({hint} A constant of your own "
                        f"must start with '_')")
    if problems:
        error = ConfigError("; ".join(problems))
        error.field = problems[0].split(":", 1)[0][len("settings."):]
        raise error


def _flush_timeout(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _error("FLUSH_TIMEOUT", f"expected a number of seconds, got "
                                      f"{type(value).__name__} {value!r}")
    # Comparisons, not math.isfinite: NaN fails both, and a huge int does not overflow.
    if not 0 <= value <= FLUSH_TIMEOUT_MAX:
        raise _error("FLUSH_TIMEOUT", f"expected seconds between 0 and "
                                      f"{FLUSH_TIMEOUT_MAX:g}, got {value!r}")
    return float(value)


def config_from_settings(settings: Union[ModuleType, Mapping[str, Any]]) -> tuple:
    """Read every constant of a settings module (or dict); return (Config, napp).

    napp holds the NApp's own settings (FLUSH_TIMEOUT, 0 to FLUSH_TIMEOUT_MAX seconds).
    A constant that is absent takes its default. A bad value, or an UPPER_CASE constant
    that is no setting (BOOTSTRAP_SERVER: "did you mean BOOTSTRAP_SERVERS?"), raises
    ConfigError whose message and .field name the settings.py constant, e.g.
    "settings.DENY: item 0 is int, expected str". Names starting with '_' and imported
    modules are ignored. Resolves KAFKA_ENV secrets from the environment.
    """
    values = dict(settings) if isinstance(settings, Mapping) else {
        name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    _check_unknown(values)
    options = {}
    for option in OPTIONS:
        constant = setting_name(option.name)
        if constant in values:
            options[option.name] = values[constant]
    try:
        config = Config.from_mapping(options)
        config.resolved_kafka()
    except ConfigError as exc:
        raise _error_for(exc) from None
    napp = {"FLUSH_TIMEOUT": _flush_timeout(values.get("FLUSH_TIMEOUT",
                                                       NAPP_SETTINGS["FLUSH_TIMEOUT"][1]))}
    return config, napp


def native_error_to_setting(exc: ConfigError) -> str:
    """A ConfigError from Config or the native layer (field "deny[0]", "kafka.acks", ...),
    reworded to name the settings.py constant: "settings.DENY[0]: ...". A message that
    already names one (from config_from_settings) is returned as it is."""
    field = getattr(exc, "field", "") or ""
    head = field.split(".", 1)[0].split("[", 1)[0]
    reason = str(exc)
    if not head or reason.startswith("settings."):
        return reason
    if reason.startswith(field + ": "):
        reason = reason[len(field) + 2:]
    return f"settings.{setting_name(head)}{field[len(head):]}: {reason}"


def _error_for(exc: ConfigError) -> ConfigError:
    error = ConfigError(native_error_to_setting(exc))
    error.field = str(error).split(":", 1)[0][len("settings."):]
    return error
