"""Every option of the bridge, with its type, default and meaning, in one table."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any, Mapping, Optional

from event_bridge import _core

ConfigError = _core.ConfigError

_SECRET_MARKERS = ("password", "secret", "ssl.key.pem", "ssl_key", "oauthbearer.config",
                   "token", "credential")
REDACTED = "<redacted>"


def is_secret_key(key: str) -> bool:
    """True when a librdkafka property names a secret whose value is never shown."""
    lower = key.lower()
    return any(marker in lower for marker in _SECRET_MARKERS)


@dataclass(frozen=True)
class Option:
    """One option: its name, Python type, default and description."""

    name: str
    type: str
    default: Any
    description: str


# The one list of options. settings.py of the NApp documents the same names in upper
# case (tests/napp/test_napp_settings.py::test_settings_py_and_options_agree checks the two
# agree), and the README table is generated from this (tests/python/test_docs.py).
OPTIONS: tuple[Option, ...] = (
    Option("bootstrap_servers", "str", "", "Broker addresses, \"host:port[,host:port...]\". Required."),
    Option("source_id", "str", "", "Which controller this is, written into every envelope; empty: the host name."),
    Option("allow", "list[str]", [], "Event-name regexes (RE2, matched against the whole name; docs/ROUTING.md); empty allows all."),
    Option("deny", "list[str]", [], "Event-name regexes that are never published; deny wins over allow."),
    Option("verbose_topic_enabled", "bool", True, "Publish every event that passes the filter to verbose_topic."),
    Option("verbose_topic", "str", "kytos.events", "The topic with every event."),
    Option("napp_topics_enabled", "bool", True, "Also publish each event to its NApp's topic."),
    Option("napp_topic_prefix", "str", "kytos.events.", "Per-NApp topic = prefix + \"<user>.<napp>\" (docs/ROUTING.md)."),
    Option("routes", "list[dict]", [], "Custom routes: {\"pattern\": regex, \"topic\": name, \"key_path\": optional dotted path}."),
    Option("key_paths", "list[str]", list(_core.default_key_paths()),
           "Dotted paths into the content tried in order; the first str or int found is the message key."),
    Option("known_users", "list[str]", list(_core.default_known_users()),
           "NApp user names recognised in dotted event names without '/' (kytos.flow_manager...)."),
    Option("default_user", "str", "kytos", "User assumed for event names that carry none (topology.interruption.start)."),
    Option("create_topics", "bool", True, "Create missing topics with the admin API before producing to them."),
    Option("topic_partitions", "int", 3, "Partitions of topics the bridge creates."),
    Option("topic_replication_factor", "int", -1, "Replication factor of created topics; -1: the broker's default."),
    Option("topic_config", "dict[str,str]", {}, "Topic properties for created topics (e.g. retention.ms)."),
    Option("format", "str", "msgpack", "Envelope encoding: \"msgpack\" or \"json\"."),
    Option("compression", "str", "lz4", "Compression codec: none, gzip, snappy, lz4, zstd."),
    Option("kafka", "dict[str,str]", {}, "librdkafka properties passed through, validated at construction."),
    Option("kafka_env", "dict[str,str]", {},
           "librdkafka properties read from environment variables: {property: VARIABLE}, for secrets."),
    Option("max_message_bytes", "int", 1000000, "Largest encoded event; a larger one is replaced by a marker envelope."),
    Option("max_depth", "int", 64, "Deepest nesting of content walked; deeper values become a placeholder."),
    Option("buffer_max_events", "int", 100000, "Front buffer capacity in events (while the broker cannot take them)."),
    Option("buffer_max_bytes", "int", 128 * 1024 * 1024, "Front buffer capacity in bytes."),
    Option("overflow_policy", "str", "drop_oldest", "When the buffer is full: drop_oldest or drop_newest."),
)
_BY_NAME = {option.name: option for option in OPTIONS}

_SCALAR_TYPES = {"str": (str,), "bool": (bool,), "int": (int,)}
# Inclusive bounds of the int options; the native layer checks the same and more.
_INT_RANGES = {
    "topic_partitions": (1, 1_000_000),
    "topic_replication_factor": (-1, 1000),
    "max_message_bytes": (1024, 100_000_000),
    "max_depth": (1, 1000),
    "buffer_max_events": (1, 2**62),
    "buffer_max_bytes": (1, 2**62),
}


def _check(name: str, value: Any) -> Any:
    """Return value normalized for option `name`, or raise ConfigError naming it."""
    kind = _BY_NAME[name].type

    def fail(reason: str) -> ConfigError:
        error = ConfigError(f"{name}: {reason}")
        error.field = name
        return error

    if kind in _SCALAR_TYPES:
        if kind == "int" and isinstance(value, bool) or not isinstance(value, _SCALAR_TYPES[kind]):
            raise fail(f"expected {kind}, got {type(value).__name__}")
        if kind == "int" and name in _INT_RANGES:
            low, high = _INT_RANGES[name]
            if not low <= value <= high:
                raise fail(f"must be between {low} and {high}, got {value}")
        return value
    if kind == "list[str]":
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise fail(f"expected a list of str, got {type(value).__name__}")
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise fail(f"item {i} is {type(item).__name__}, expected str")
        return list(value)
    if kind == "dict[str,str]":
        if not isinstance(value, Mapping):
            raise fail(f"expected a dict, got {type(value).__name__}")
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise fail(f"key {key!r} is not a str")
            if isinstance(item, bool):
                item = "true" if item else "false"
            elif isinstance(item, (int, float)):
                item = str(item)
            elif not isinstance(item, str):
                raise fail(f"{key}: expected str, int, float or bool, got {type(item).__name__}")
            out[key] = item
        return out
    if kind == "list[dict]":
        if not isinstance(value, (list, tuple)):
            raise fail(f"expected a list of routes, got {type(value).__name__}")
        routes = []
        for i, route in enumerate(value):
            if not isinstance(route, Mapping):
                raise fail(f"routes[{i}] is {type(route).__name__}, expected a dict")
            unknown = set(route) - {"pattern", "topic", "key_path"}
            if unknown:
                raise fail(f"routes[{i}]: unknown keys {sorted(unknown)} (pattern, topic, key_path)")
            for key in ("pattern", "topic"):
                if not isinstance(route.get(key), str) or not route.get(key):
                    raise fail(f"routes[{i}].{key}: required, a non-empty str")
            if not isinstance(route.get("key_path", ""), str):
                raise fail(f"routes[{i}].key_path: expected str")
            routes.append({k: str(v) for k, v in route.items()})
        return routes
    raise AssertionError(kind)


@dataclass
class Config:
    """The bridge's configuration. Build with Config(...) or Config.from_mapping(dict)."""

    bootstrap_servers: str = ""
    source_id: str = ""
    allow: list = field(default_factory=list)
    deny: list = field(default_factory=list)
    verbose_topic_enabled: bool = True
    verbose_topic: str = "kytos.events"
    napp_topics_enabled: bool = True
    napp_topic_prefix: str = "kytos.events."
    routes: list = field(default_factory=list)
    key_paths: list = field(default_factory=lambda: list(_BY_NAME["key_paths"].default))
    known_users: list = field(default_factory=lambda: list(_BY_NAME["known_users"].default))
    default_user: str = "kytos"
    create_topics: bool = True
    topic_partitions: int = 3
    topic_replication_factor: int = -1
    topic_config: dict = field(default_factory=dict)
    format: str = "msgpack"
    compression: str = "lz4"
    kafka: dict = field(default_factory=dict)
    kafka_env: dict = field(default_factory=dict)
    max_message_bytes: int = 1000000
    max_depth: int = 64
    buffer_max_events: int = 100000
    buffer_max_bytes: int = 128 * 1024 * 1024
    overflow_policy: str = "drop_oldest"

    def __post_init__(self) -> None:
        for f in fields(self):
            setattr(self, f.name, _check(f.name, getattr(self, f.name)))

    @classmethod
    def from_mapping(cls, values: Optional[Mapping[str, Any]] = None, **overrides: Any) -> "Config":
        """Build from a dict with the option names as keys; unknown keys are errors."""
        merged = dict(values or {})
        merged.update(overrides)
        for key in merged:
            if key not in _BY_NAME:
                error = ConfigError(f"{key}: unknown option")
                error.field = key
                raise error
        return cls(**merged)

    @classmethod
    def coerce(cls, config: Any = None, **overrides: Any) -> "Config":
        """A Config from a Config, a mapping or None, with overrides applied."""
        if isinstance(config, Config):
            if not overrides:
                return config
            config = config.to_dict()
        return cls.from_mapping(config, **overrides)

    def to_dict(self) -> dict[str, Any]:
        """Every option and its value, secrets included (never log this; see redacted())."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def redacted(self) -> dict[str, Any]:
        """Every option, with the values of secret properties replaced by '<redacted>'."""
        values = self.to_dict()
        values["kafka"] = {k: (REDACTED if is_secret_key(k) else v) for k, v in self.kafka.items()}
        return values

    def resolved_kafka(self) -> dict[str, str]:
        """kafka plus the properties read from kafka_env; raises naming a missing variable."""
        resolved = dict(self.kafka)
        for prop, variable in self.kafka_env.items():
            if prop in resolved:
                raise self._error(f"kafka_env.{prop}", "also set in kafka; set it in one place")
            value = os.environ.get(variable)
            if value is None:
                raise self._error(f"kafka_env.{prop}", f"environment variable {variable} is not set")
            resolved[prop] = value
        return resolved

    def to_core_dict(self) -> dict[str, Any]:
        """What the native module reads."""
        values = self.to_dict()
        values["kafka"] = self.resolved_kafka()
        del values["kafka_env"]
        return values

    @staticmethod
    def _error(name: str, reason: str) -> ConfigError:
        error = ConfigError(f"{name}: {reason}")
        error.field = name
        return error

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.redacted().items())
        return f"Config({shown})"


_dataclass_init = Config.__init__


def _checked_init(self: Config, *args: Any, **kwargs: Any) -> None:
    for key in kwargs:
        if key not in _BY_NAME:
            raise Config._error(key, "unknown option")
    _dataclass_init(self, *args, **kwargs)


Config.__init__ = _checked_init  # unknown keywords are ConfigErrors, like unknown keys
