"""Kytos-style settings modules (UPPER_CASE constants) to a validated Config."""

from __future__ import annotations

from types import ModuleType
from typing import Any, Mapping, Union

from event_bridge.config import OPTIONS, Config, ConfigError

# Settings of the NApp itself, beside the bridge's options.
NAPP_SETTINGS = {
    "FLUSH_TIMEOUT": (float, 5.0,
                      "Seconds shutdown() waits for buffered events to be delivered "
                      "(reload, disable, controller stop)."),
}


def setting_name(option: str) -> str:
    """The settings.py constant for an option: bootstrap_servers -> BOOTSTRAP_SERVERS."""
    return option.upper()


def _error(setting: str, reason: str) -> ConfigError:
    error = ConfigError(f"settings.{setting}: {reason}")
    error.field = setting
    return error


def config_from_settings(settings: Union[ModuleType, Mapping[str, Any]]) -> tuple:
    """Read every known constant of a settings module (or dict); return (Config, napp).

    napp holds the NApp's own settings (FLUSH_TIMEOUT). A constant that is absent takes
    its default. A bad value raises ConfigError whose message and .field name the
    settings.py constant, e.g. "settings.DENY: item 0 is int, expected str".
    Resolves KAFKA_ENV secrets from the environment.
    """
    values = dict(settings) if isinstance(settings, Mapping) else {
        name: getattr(settings, name) for name in dir(settings) if name.isupper()}
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
    napp = {}
    for constant, (kind, default, _) in NAPP_SETTINGS.items():
        value = values.get(constant, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise _error(constant, f"expected a non-negative number of seconds, got {value!r}")
        napp[constant] = kind(value)
    return config, napp


def native_error_to_setting(exc: ConfigError) -> str:
    """A ConfigError from Config or the native layer (field "deny[0]", "kafka.acks", ...),
    reworded to name the settings.py constant: "settings.DENY[0]: ..."."""
    field = getattr(exc, "field", "") or ""
    head = field.split(".", 1)[0].split("[", 1)[0]
    if not head:
        return str(exc)
    reason = str(exc)
    if reason.startswith(field + ": "):
        reason = reason[len(field) + 2:]
    return f"settings.{setting_name(head)}{field[len(head):]}: {reason}"


def _error_for(exc: ConfigError) -> ConfigError:
    error = ConfigError(native_error_to_setting(exc))
    error.field = str(error).split(":", 1)[0][len("settings."):]
    return error
