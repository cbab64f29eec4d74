"""Reading what the bridge publishes: decode one message value into its envelope."""

from __future__ import annotations

from typing import Any, Optional, Union

from event_bridge import _core

ENVELOPE_VERSION = 1
CONTENT_TYPES = {"msgpack": "application/msgpack", "json": "application/json"}
_FORMATS = {
    "msgpack": "msgpack",
    "application/msgpack": "msgpack",
    "application/x-msgpack": "msgpack",
    "json": "json",
    "application/json": "json",
}


def decode(
    data: Union[bytes, bytearray, memoryview],
    content_type: Optional[Union[str, bytes]] = None,
    *,
    envelope: bool = True,
) -> dict[str, Any]:
    """Decode a message value into a dict.

    content_type is the message's "content-type" header ("application/msgpack" or
    "application/json", or just "msgpack"/"json"); None detects it from the first
    byte. With envelope=True the envelope's fields are checked too. Raises
    DecodeError (a ValueError) naming what is wrong.
    """
    if isinstance(content_type, bytes):
        content_type = content_type.decode("ascii", "replace")
    data = bytes(data)
    if content_type is None:
        fmt = "json" if data.lstrip(b" \t\r\n")[:1] in (b"{", b"[") else "msgpack"
    else:
        try:
            fmt = _FORMATS[content_type.strip().lower()]
        except KeyError:
            raise _core.DecodeError(
                f"content_type: unknown value {content_type!r} "
                f"(application/msgpack, application/json)"
            ) from None
    return _core.decode(data, fmt, envelope)


def encode(
    name: str,
    content: Any,
    *,
    format: str = "msgpack",
    id: Any = None,
    timestamp: Any = None,
    seq: int = 1,
    instance: str = "00000000-0000-0000-0000-000000000000",
    source: str = "",
    max_depth: int = 64,
    counters: Optional[dict] = None,
) -> bytes:
    """Encode one envelope exactly as a Bridge would, without publishing it.

    If counters is a dict, it receives what the walk had to normalize (stringified
    keys, repr fallbacks, cycles, depth, as_dict errors, big integers).
    """
    data, normalized = _core.encode(name, content, format, id, timestamp, seq, instance,
                                    source, max_depth)
    if counters is not None:
        counters.update(normalized)
    return data
