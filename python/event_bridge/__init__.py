"""kytos-event-bridge: broadcast Kytos-ng events to a message broker, natively."""

from event_bridge._core import ConfigError, DecodeError
from event_bridge.bridge import Bridge, Outcome
from event_bridge.codec import CONTENT_TYPES, ENVELOPE_VERSION, decode, encode
from event_bridge.config import OPTIONS, Config

__all__ = [
    "Bridge",
    "CONTENT_TYPES",
    "Config",
    "ConfigError",
    "DecodeError",
    "ENVELOPE_VERSION",
    "OPTIONS",
    "Outcome",
    "decode",
    "encode",
]
__version__ = "0.1.0"
