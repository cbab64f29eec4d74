"""Deterministic, realistic Kytos-ng events for integration tests, the demo and benchmarks.

Everything here is pure standard-library Python and imports nothing else from
event_bridge, so it works before the native module is built.

The stand-in domain classes mirror the shapes Kytos-ng really emits (CONTRACT.md §6):
Switch, Interface, Link, of_core Flow and TableStats have ``as_dict()`` with the real keys;
Connection, pyof-like messages (:class:`OFMessage`) and :class:`Topology` have none, exactly
like in Kytos. Ids are the real id types: :class:`InterfaceID` and :class:`LinkID` are ``str``
subclasses, as in ``kytos/core/id.py``.

Entry points:

- :func:`controller_session` -- an ordered story of a controller's life (start, switches
  connecting, links discovered, EVCs deployed, a link failure with failover, maintenance,
  EVCs deleted), interleaved with the OpenFlow noise a real controller emits;
- :func:`event_mix` -- a steady-state stream with a controller's real mix of names and sizes;
- :func:`sample_event` -- one representative event per size class (:data:`SIZE_CLASSES`);
- :func:`plain` / :func:`approx_json_size` -- the reference normalization of event content.

Everything is deterministic for a seed: ids come from ``random.Random(seed)`` and timestamps
from a fixed start time. Content objects are never mutated after they are put in an event
(the session puts clones in its events), so an event's content can be inspected or
encoded at any later time and always gives the same result.
"""

from __future__ import annotations

import bisect
import enum
import hashlib
import json
import math
import random
import re
import struct
import uuid
from collections import deque
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, Union

__all__ = [
    "Action",
    "ActionOutput",
    "ActionPopVlan",
    "ActionPushVlan",
    "ActionSetVlan",
    "Connection",
    "EntityStatus",
    "EVC",
    "EVENT_NAMES",
    "Event",
    "EventFactory",
    "FILTERED_BY_DEFAULT",
    "Flow",
    "FlowStats",
    "InstructionApplyAction",
    "Interface",
    "InterfaceID",
    "Link",
    "LinkID",
    "Match",
    "NAPPS",
    "OFHeader",
    "OFMessage",
    "SIZE_CLASSES",
    "START_TIME",
    "Switch",
    "TAG",
    "TableStats",
    "Topology",
    "UNI",
    "approx_json_size",
    "controller_session",
    "event_mix",
    "is_filtered_by_default",
    "make_topology",
    "ofmessage",
    "plain",
    "sample_event",
    "size_class",
]

# --------------------------------------------------------------------------- catalogue

#: The NApp's default deny list: whole-name regular expressions (``re.fullmatch``).
FILTERED_BY_DEFAULT = (
    "kytos/core\\.openflow\\.raw\\..*",
    ".*\\.messages\\.in\\..*",
    ".*\\.messages\\.out\\..*",
)
_FILTERED_RE = re.compile("|".join(f"(?:{p})" for p in FILTERED_BY_DEFAULT))

#: Every exact event name this module emits, besides ``<user>/<napp>.loaded``.
EVENT_NAMES = (
    "kytos/core.openflow.connection.new",
    "kytos/core.openflow.raw.in",
    "kytos/core.switch.new",
    "kytos/core.interface_tags",
    "kytos/of_core.handshake.completed",
    "kytos/of_core.switch.port.created",
    "kytos/of_core.switch.interfaces.created",
    "kytos/of_core.switch.interface.created",
    "kytos/of_core.switch.interface.link_up",
    "kytos/of_core.switch.interface.link_down",
    "kytos/of_core.reachable.mac",
    "kytos/of_core.flow_stats.received",
    "kytos/of_core.table_stats.received",
    "kytos/of_core.v0x04.messages.in.ofpt_hello",
    "kytos/of_core.v0x04.messages.in.ofpt_features_reply",
    "kytos/of_core.v0x04.messages.in.ofpt_multipart_reply",
    "kytos/of_core.v0x04.messages.in.ofpt_packet_in",
    "kytos/of_core.v0x04.messages.in.ofpt_port_status",
    "kytos/of_core.v0x04.messages.in.ofpt_echo_request",
    "kytos/of_core.v0x04.messages.in.ofpt_echo_reply",
    "kytos/of_core.v0x04.messages.in.ofpt_barrier_reply",
    "kytos/of_core.v0x04.messages.out.ofpt_hello",
    "kytos/of_core.v0x04.messages.out.ofpt_features_request",
    "kytos/of_core.v0x04.messages.out.ofpt_set_config",
    "kytos/of_core.v0x04.messages.out.ofpt_multipart_request",
    "kytos/of_core.v0x04.messages.out.ofpt_echo_request",
    "kytos/of_core.v0x04.messages.out.ofpt_echo_reply",
    "kytos/of_lldp.messages.out.ofpt_packet_out",
    "kytos/of_lldp.interface.is.nni",
    "kytos/of_lldp.liveness.up",
    "kytos/topology.updated",
    "kytos/topology.port.created",
    "kytos/topology.switch.interface.created",
    "kytos/topology.link_up",
    "kytos/topology.link_down",
    "kytos/topology.interface.up",
    "kytos/topology.interface.down",
    "topology.interruption.start",
    "topology.interruption.end",
    "kytos/mef_eline.created",
    "kytos/mef_eline.deployed",
    "kytos/mef_eline.deleted",
    "kytos/mef_eline.redeployed_link_down",
    "kytos/mef_eline.redeployed_link_up",
    "kytos/mef_eline.failover_link_down",
    "kytos/mef_eline.failover_old_path",
    "kytos/mef_eline.failover_deployed",
    "kytos.flow_manager.flows.install",
    "kytos.flow_manager.flows.delete",
    "kytos/flow_manager.flow.pending",
    "kytos/flow_manager.flow.added",
    "kytos/flow_manager.messages.out.ofpt_flow_mod",
    "kytos/flow_manager.messages.out.ofpt_barrier_request",
)

#: NApps whose ``<user>/<napp>.loaded`` event opens a controller session.
NAPPS = (
    "kytos/of_core",
    "kytos/flow_manager",
    "kytos/topology",
    "kytos/of_lldp",
    "kytos/pathfinder",
    "kytos/maintenance",
    "kytos/mef_eline",
)

#: Representative serialized size range, in bytes of ``approx_json_size``, of each size class
#: (what :func:`sample_event` returns for it).
SIZE_CLASSES = {
    "small": (150, 400),
    "medium": (700, 1500),
    "large": (7000, 14000),
}
# Geometric midpoints between the ranges above, for classifying any size.
_SMALL_MAX = 530
_MEDIUM_MAX = 3240

#: Time of the first event of every generator.
START_TIME = datetime(2025, 6, 2, 14, 0, 0, tzinfo=timezone.utc)


def is_filtered_by_default(name: str) -> bool:
    """Whether the NApp's default deny list (:data:`FILTERED_BY_DEFAULT`) drops this name."""
    return _FILTERED_RE.fullmatch(name) is not None


def size_class(nbytes: int) -> str:
    """The size class ("small", "medium" or "large") of a serialized size in bytes."""
    if nbytes < _SMALL_MAX:
        return "small"
    if nbytes < _MEDIUM_MAX:
        return "medium"
    return "large"


# --------------------------------------------------------------------------- normalization


def plain(value: Any) -> Any:
    """Normalize event content into plain JSON-like data, the way the bridge documents it.

    - ``None``, ``bool``, ``int``, ``float``, ``str`` are kept (``str`` / ``int`` / ``float``
      subclasses such as :class:`InterfaceID` become the base type);
    - ``bytes`` stay ``bytes`` (``bytearray`` / ``memoryview`` become ``bytes``);
    - objects with a callable ``as_dict()`` become ``plain(obj.as_dict())``;
    - ``dict`` -> ``dict`` with ``str`` keys kept and any other key turned into ``str(key)``;
    - ``list`` / ``tuple`` -> ``list``;
    - ``set`` / ``frozenset`` -> ``list``, sorted when the normalized items are sortable;
    - ``uuid.UUID`` -> ``str``; ``datetime`` / ``date`` / ``time`` -> ``isoformat()``;
    - ``Enum`` -> ``plain(member.value)``;
    - anything else (Connection, pyof messages, Topology, exceptions) -> ``repr(obj)``.

    Not for cyclic data: a cycle reached through dicts or lists recurses until RecursionError.
    """
    cls = type(value)
    if value is None or cls is str or cls is int or cls is float or cls is bool:
        return value
    if cls is dict:
        return {(k if type(k) is str else _plain_key(k)): plain(v) for k, v in value.items()}
    if cls is list or cls is tuple:
        return [plain(v) for v in value]
    if cls is bytes:
        return value
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):
        return plain(as_dict())
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, dict):
        return {(k if type(k) is str else _plain_key(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        items = [plain(v) for v in value]
        try:
            items.sort()
        except TypeError:
            pass
        return items
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return repr(value)


def _plain_key(key: Any) -> str:
    return str.__str__(key) if isinstance(key, str) else str(key)


def approx_json_size(event: Any) -> int:
    """Length of ``json.dumps(plain(event.content), default=repr)``: the content's JSON size.

    Accepts an :class:`Event` (or anything with ``.content``) or the content itself.
    """
    content = event.content if isinstance(event, Event) or hasattr(event, "content") else event
    return len(json.dumps(plain(content), default=repr))


# --------------------------------------------------------------------------- domain stand-ins


class EntityStatus(enum.Enum):
    """``kytos.core.common.EntityStatus``."""

    UP = "UP"
    DISABLED = "DISABLED"
    DOWN = "DOWN"


class _Entity:
    """The parts of ``kytos.core.common.GenericEntity`` that ``as_dict()`` reads."""

    def _init_entity(self, metadata: Optional[dict] = None) -> None:
        self.metadata = dict(metadata or {})
        self._active = True
        self._enabled = True
        self.status_reason: set = set()

    def is_active(self) -> bool:
        return self._active

    def is_enabled(self) -> bool:
        return self._enabled

    def activate(self) -> None:
        self._active = True

    def deactivate(self) -> None:
        self._active = False

    def enable(self) -> None:
        self._enabled = True

    def disable(self) -> None:
        self._enabled = False

    @property
    def status(self) -> EntityStatus:
        if not self.is_enabled():
            return EntityStatus.DISABLED
        if not self.is_active():
            return EntityStatus.DOWN
        return EntityStatus.UP

    def _copy_entity_to(self, other: "_Entity") -> None:
        other.metadata = dict(self.metadata)
        other._active = self._active
        other._enabled = self._enabled
        other.status_reason = set(self.status_reason)


class InterfaceID(str):
    """``kytos.core.id.InterfaceID``: the str "dpid:port", ordered by (dpid, port)."""

    __slots__ = ("switch", "port", "tuple")

    def __new__(cls, switch: str, port: int) -> "InterfaceID":
        return super().__new__(cls, f"{switch}:{port}")

    def __init__(self, switch: str, port: int) -> None:
        self.switch = switch
        self.port = port
        self.tuple = (switch, port)
        super().__init__()

    def __lt__(self, other: Any) -> bool:
        if isinstance(other, InterfaceID):
            return self.tuple < other.tuple
        return NotImplemented

    def __getnewargs__(self) -> tuple:
        return self.tuple


class LinkID(str):
    """``kytos.core.id.LinkID``: SHA-256 hex of ":".join(sorted((interface_a, interface_b)))."""

    def __new__(cls, interface_a: InterfaceID, interface_b: InterfaceID) -> "LinkID":
        raw = ":".join(sorted((interface_a, interface_b)))
        return super().__new__(cls, hashlib.sha256(raw.encode("utf-8")).hexdigest())

    def __init__(self, interface_a: InterfaceID, interface_b: InterfaceID) -> None:
        self.interfaces = tuple(sorted((interface_a, interface_b)))
        super().__init__()

    def __getnewargs__(self) -> tuple:
        return self.interfaces


class Connection:
    """``kytos.core.connection.Connection``: no ``as_dict``, serialized by repr.

    Kytos's own ``__repr__`` also shows the transport, the switch and the state, which contain
    memory addresses; this one is its ``__str__`` form, so that repr-based output is
    deterministic. Like in Kytos, ``connection.switch`` points back at the Switch.
    """

    def __init__(self, address: str, port: int, switch: Optional["Switch"] = None) -> None:
        self.address = address
        self.port = port
        self.switch = switch
        self.state = "ESTABLISHED"
        self.protocol_version = 0x04
        self.remaining_data = b""

    def __repr__(self) -> str:
        return f"Connection({self.address!r}, {self.port!r})"


class Switch(_Entity):
    """``kytos.core.switch.Switch``: ``dpid`` and ``id`` are the dpid string."""

    def __init__(
        self,
        dpid: str,
        connection: Optional[Connection] = None,
        description: Optional[dict] = None,
        metadata: Optional[dict] = None,
    ) -> None:
        self.dpid = dpid
        self._id = dpid
        self.connection = connection
        self.description = dict(description or {})
        self.interfaces: dict = {}
        self.flows: list = []
        self._init_entity(metadata)
        if connection is not None:
            connection.switch = self

    @property
    def id(self) -> str:  # noqa: A003 - Kytos's name
        return self._id

    @property
    def ofp_version(self) -> Optional[str]:
        return "0x04" if self.connection is not None else None

    def update_interface(self, interface: "Interface") -> None:
        """Add or replace an interface, keyed by port number like Kytos."""
        self.interfaces[interface.port_number] = interface

    def as_dict(self) -> dict:
        """The dict of ``kytos/core/switch.py`` ``Switch.as_dict``."""
        connection = ""
        if self.connection is not None:
            connection = f"{self.connection.address}:{self.connection.port}"
        return {
            "id": self.id,
            "name": self.id,
            "dpid": self.dpid,
            "connection": connection,
            "ofp_version": self.ofp_version,
            "type": "switch",
            "manufacturer": self.description.get("manufacturer", ""),
            "serial": self.description.get("serial", ""),
            "hardware": self.description.get("hardware", ""),
            "software": self.description.get("software"),
            "data_path": self.description.get("data_path", ""),
            "interfaces": {i.id: i.as_dict() for i in self.interfaces.values()},
            "metadata": self.metadata,
            "active": self.is_active(),
            "enabled": self.is_enabled(),
            "status": self.status.value,
            "status_reason": sorted(self.status_reason),
        }

    def clone(self, interfaces: Optional[Iterable["Interface"]] = None) -> "Switch":
        """A snapshot: same connection, copied state, cloned interfaces (or the given ones)."""
        other = Switch.__new__(Switch)
        other.dpid = self.dpid
        other._id = self._id
        other.connection = self.connection
        other.description = dict(self.description)
        other.flows = []
        self._copy_entity_to(other)
        source = self.interfaces.values() if interfaces is None else interfaces
        other.interfaces = {}
        for iface in source:
            copy = iface.clone()
            copy.switch = other
            other.interfaces[copy.port_number] = copy
        return other

    def __repr__(self) -> str:
        return f"Switch('{self.dpid}')"


class Interface(_Entity):
    """``kytos.core.interface.Interface``: ``id`` is an :class:`InterfaceID` "dpid:port"."""

    def __init__(
        self,
        name: str,
        port_number: int,
        switch: Switch,
        address: Optional[str] = None,
        speed: Optional[float] = None,
        metadata: Optional[dict] = None,
    ) -> None:
        self.name = name
        self.port_number = int(port_number)
        self.switch = switch
        self.address = address
        self.nni = False
        self.link: Optional[Link] = None
        self.lldp = True
        self.stats = None
        self._id = InterfaceID(switch.id, self.port_number)
        self._speed = speed
        self._init_entity(metadata)

    @property
    def id(self) -> InterfaceID:  # noqa: A003 - Kytos's name
        return self._id

    @property
    def uni(self) -> bool:
        return not self.nni

    @property
    def speed(self) -> Optional[float]:
        """Speed in bytes per second (1.25e9 for 10 Gbps), or None."""
        return self._speed

    def as_dict(self) -> dict:
        """The dict of ``kytos/core/interface.py`` ``Interface.as_dict``."""
        iface_dict = {
            "id": self.id,
            "name": self.name,
            "port_number": self.port_number,
            "mac": self.address,
            "switch": self.switch.dpid,
            "type": "interface",
            "nni": self.nni,
            "uni": self.uni,
            "speed": self.speed,
            "metadata": self.metadata,
            "lldp": self.lldp,
            "active": self.is_active(),
            "enabled": self.is_enabled(),
            "status": self.status.value,
            "status_reason": sorted(self.status_reason),
            "link": self.link.id if self.link else "",
        }
        if self.stats:
            iface_dict["stats"] = self.stats.as_dict()
        return iface_dict

    def clone(self) -> "Interface":
        """A snapshot with copied state; it shares the switch and the link objects."""
        other = Interface.__new__(Interface)
        other.name = self.name
        other.port_number = self.port_number
        other.switch = self.switch
        other.address = self.address
        other.nni = self.nni
        other.link = self.link
        other.lldp = self.lldp
        other.stats = self.stats
        other._id = self._id
        other._speed = self._speed
        self._copy_entity_to(other)
        return other

    def __repr__(self) -> str:
        return f"Interface('{self.name}', {self.port_number}, {self.switch!r})"


class Link(_Entity):
    """``kytos.core.link.Link``: ``id`` is a :class:`LinkID`; as_dict nests both interfaces."""

    def __init__(self, endpoint_a: Interface, endpoint_b: Interface,
                 metadata: Optional[dict] = None) -> None:
        self.endpoint_a = endpoint_a
        self.endpoint_b = endpoint_b
        self._id = LinkID(endpoint_a.id, endpoint_b.id)
        self._init_entity(metadata)

    @property
    def id(self) -> LinkID:  # noqa: A003 - Kytos's name
        return self._id

    def is_active(self) -> bool:
        return self._active and self.endpoint_a.is_active() and self.endpoint_b.is_active()

    def is_enabled(self) -> bool:
        return self._enabled and self.endpoint_a.is_enabled() and self.endpoint_b.is_enabled()

    def get_metadata_as_dict(self) -> dict:
        return {k: (v.as_dict() if hasattr(v, "as_dict") else v)
                for k, v in self.metadata.items()}

    def as_dict(self) -> dict:
        """The dict of ``kytos/core/link.py`` ``Link.as_dict``."""
        return {
            "id": self.id,
            "endpoint_a": self.endpoint_a.as_dict(),
            "endpoint_b": self.endpoint_b.as_dict(),
            "metadata": self.get_metadata_as_dict(),
            "active": self.is_active(),
            "enabled": self.is_enabled(),
            "status": self.status.value,
            "status_reason": sorted(self.status_reason),
        }

    def other_end(self, switch_id: str) -> Interface:
        """The endpoint that is not on the given switch."""
        return self.endpoint_b if self.endpoint_a.switch.id == switch_id else self.endpoint_a

    def clone(self) -> "Link":
        """A snapshot with cloned endpoints."""
        other = Link.__new__(Link)
        other.endpoint_a = self.endpoint_a.clone()
        other.endpoint_b = self.endpoint_b.clone()
        other._id = self._id
        self._copy_entity_to(other)
        return other

    def __repr__(self) -> str:
        return f"Link({self.endpoint_a!r}, {self.endpoint_b!r}, {self.id})"


class TAG:
    """``kytos.core.interface.TAG``."""

    def __init__(self, tag_type: str, value: Any) -> None:
        self.tag_type = tag_type
        self.value = value

    def as_dict(self) -> dict:
        return {"tag_type": self.tag_type, "value": self.value}


class UNI:
    """``kytos.core.interface.UNI``: an interface and an optional user tag."""

    def __init__(self, interface: Interface, user_tag: Optional[TAG] = None) -> None:
        self.interface = interface
        self.user_tag = user_tag

    def as_dict(self) -> dict:
        return {
            "interface_id": self.interface.id,
            "tag": self.user_tag.as_dict() if self.user_tag else None,
        }


class Match:
    """of_core v0x04 ``Match``: only the fields that are set appear in ``as_dict()``."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class FlowStats:
    """of_core ``FlowStats``: None values are dropped from ``as_dict()``."""

    def __init__(self, byte_count: Optional[int] = None, duration_sec: Optional[int] = None,
                 duration_nsec: Optional[int] = None,
                 packet_count: Optional[int] = None) -> None:
        self.byte_count = byte_count
        self.duration_sec = duration_sec
        self.duration_nsec = duration_nsec
        self.packet_count = packet_count

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if v is not None}


class Action:
    """Base of of_core v0x04 actions: ``as_dict()`` is ``vars(self)``, as in of_core."""

    def as_dict(self) -> dict:
        return dict(vars(self))

    @staticmethod
    def from_dict(action: dict) -> "Action":
        """Build the action a mef_eline / flow_manager action dict describes."""
        kind = action["action_type"]
        if kind == "output":
            return ActionOutput(action["port"])
        if kind == "set_vlan":
            return ActionSetVlan(action["vlan_id"])
        if kind == "push_vlan":
            return ActionPushVlan(action["tag_type"])
        if kind == "pop_vlan":
            return ActionPopVlan()
        raise ValueError(f"action_type: unknown value {kind!r}")


class ActionOutput(Action):
    def __init__(self, port: int) -> None:
        self.port = port
        self.action_type = "output"


class ActionSetVlan(Action):
    def __init__(self, vlan_id: int) -> None:
        self.vlan_id = vlan_id
        self.action_type = "set_vlan"


class ActionPushVlan(Action):
    def __init__(self, tag_type: str) -> None:
        self.action_type = "push_vlan"
        self.tag_type = tag_type


class ActionPopVlan(Action):
    def __init__(self) -> None:
        self.action_type = "pop_vlan"


class InstructionApplyAction:
    """of_core v0x04 ``InstructionApplyAction``."""

    def __init__(self, actions: Optional[list] = None) -> None:
        self.instruction_type = "apply_actions"
        self.actions = actions or []

    def as_dict(self) -> dict:
        return {"instruction_type": self.instruction_type,
                "actions": [a.as_dict() for a in self.actions]}


class Flow:
    """of_core v0x04 ``Flow``; ``as_dict()`` has the of_core keys in of_core's order.

    ``id`` is of_core's md5 of the sorted JSON without id and stats. of_core recomputes it
    on every call; here it is computed once, since sample flows are never modified.
    """

    def __init__(self, switch: Switch, table_id: int = 0, match: Optional[Match] = None,
                 priority: int = 0x8000, idle_timeout: int = 0, hard_timeout: int = 0,
                 cookie: int = 0, stats: Optional[FlowStats] = None, cookie_mask: int = 0,
                 instructions: Optional[list] = None) -> None:
        self.switch = switch
        self.table_id = table_id
        self.match = match or Match()
        self.priority = priority
        self.idle_timeout = idle_timeout
        self.hard_timeout = hard_timeout
        self.cookie = cookie
        self.stats = stats or FlowStats()
        self.cookie_mask = cookie_mask
        self.instructions = instructions or []
        self._id: Optional[str] = None

    @property
    def id(self) -> str:  # noqa: A003 - of_core's name
        if self._id is None:
            text = json.dumps(self.as_dict(include_id=False), sort_keys=True)
            self._id = hashlib.md5(text.encode("utf-8")).hexdigest()
        return self._id

    def as_dict(self, include_id: bool = True) -> dict:
        """The dict of of_core ``flow.py`` + ``v0x04/flow.py`` ``Flow.as_dict``."""
        flow_dict = {
            "switch": self.switch.id,
            "table_id": self.table_id,
            "match": self.match.as_dict(),
            "priority": self.priority,
            "idle_timeout": self.idle_timeout,
            "hard_timeout": self.hard_timeout,
            "cookie": self.cookie,
        }
        if include_id:
            flow_dict["id"] = self.id
            flow_dict["stats"] = self.stats.as_dict()
        flow_dict["cookie_mask"] = self.cookie_mask
        flow_dict["instructions"] = [i.as_dict() for i in self.instructions]
        return flow_dict

    @classmethod
    def from_dict(cls, flow_dict: dict, switch: Switch,
                  stats: Optional[FlowStats] = None) -> "Flow":
        """The Flow flow_manager builds from a flow dict (as sent in flows.install)."""
        flow = cls(
            switch,
            table_id=flow_dict.get("table_id", 0),
            match=Match(**flow_dict.get("match", {})),
            priority=flow_dict.get("priority", 0x8000),
            idle_timeout=flow_dict.get("idle_timeout", 0),
            hard_timeout=flow_dict.get("hard_timeout", 0),
            cookie=flow_dict.get("cookie", 0),
            stats=stats,
            cookie_mask=flow_dict.get("cookie_mask", 0),
            instructions=[InstructionApplyAction(
                [Action.from_dict(a) for a in flow_dict.get("actions", [])])],
        )
        return flow

    def with_stats(self, stats: FlowStats) -> "Flow":
        """A copy carrying these statistics (what a flow stats reply yields)."""
        other = Flow.__new__(Flow)
        other.__dict__.update(self.__dict__)
        other.stats = stats
        return other

    def __repr__(self) -> str:
        return (f"Flow(switch={self.switch.id!r}, table_id={self.table_id}, "
                f"priority={self.priority}, cookie={self.cookie:#x})")


class TableStats:
    """of_core ``TableStats``."""

    def __init__(self, switch: Switch, table_id: int, active_count: int, lookup_count: int,
                 matched_count: int) -> None:
        self.switch = switch
        self.table_id = table_id
        self.active_count = active_count
        self.lookup_count = lookup_count
        self.matched_count = matched_count

    def as_dict(self) -> dict:
        return {
            "switch": self.switch.id,
            "table_id": self.table_id,
            "active_count": self.active_count,
            "lookup_count": self.lookup_count,
            "matched_count": self.matched_count,
        }


class Topology:
    """topology's ``Topology``: ``.switches`` and ``.links`` dicts and **no** ``as_dict``.

    Only ``switches`` and ``links`` are instance attributes, so ``vars(topology)`` is what
    kafka_events serializes. The repr is short and deterministic.
    """

    def __init__(self, switches: Optional[dict] = None, links: Optional[dict] = None) -> None:
        self.switches: dict = switches if switches is not None else {}
        self.links: dict = links if links is not None else {}

    @property
    def interfaces(self) -> list:
        """Every interface, by switch then port."""
        return [i for s in self.switches.values() for i in s.interfaces.values()]

    def uni_interfaces(self) -> list:
        """Interfaces that are not a link endpoint, by switch then port."""
        return [i for i in self.interfaces if i.link is None]

    def clone(self) -> "Topology":
        """A snapshot: cloned switches and links."""
        return Topology({d: s.clone() for d, s in self.switches.items()},
                        {k: v.clone() for k, v in self.links.items()})

    def __repr__(self) -> str:
        return f"Topology(switches={len(self.switches)}, links={len(self.links)})"


# --------------------------------------------------------------------------- OpenFlow messages

# OFPT name -> (type code, python-openflow class name).
_OFPT = {
    "ofpt_hello": (0, "Hello"),
    "ofpt_error": (1, "ErrorMsg"),
    "ofpt_echo_request": (2, "EchoRequest"),
    "ofpt_echo_reply": (3, "EchoReply"),
    "ofpt_features_request": (5, "FeaturesRequest"),
    "ofpt_features_reply": (6, "FeaturesReply"),
    "ofpt_set_config": (9, "SetConfig"),
    "ofpt_packet_in": (10, "PacketIn"),
    "ofpt_flow_removed": (11, "FlowRemoved"),
    "ofpt_port_status": (12, "PortStatus"),
    "ofpt_packet_out": (13, "PacketOut"),
    "ofpt_flow_mod": (14, "FlowMod"),
    "ofpt_multipart_request": (18, "MultipartRequest"),
    "ofpt_multipart_reply": (19, "MultipartReply"),
    "ofpt_barrier_request": (20, "BarrierRequest"),
    "ofpt_barrier_reply": (21, "BarrierReply"),
}
# Typical wire lengths, to make headers and raw reads plausible.
_OFPT_LEN = {
    "ofpt_hello": 16, "ofpt_error": 76, "ofpt_echo_request": 8, "ofpt_echo_reply": 8,
    "ofpt_features_request": 8, "ofpt_features_reply": 32, "ofpt_set_config": 12,
    "ofpt_packet_in": 116, "ofpt_flow_removed": 88, "ofpt_port_status": 80,
    "ofpt_packet_out": 104, "ofpt_flow_mod": 120, "ofpt_multipart_request": 16,
    "ofpt_multipart_reply": 464, "ofpt_barrier_request": 8, "ofpt_barrier_reply": 8,
}


class OFHeader:
    """A python-openflow ``Header`` (version, message_type, length, xid)."""

    def __init__(self, version: int, message_type: int, length: int, xid: int) -> None:
        self.version = version
        self.message_type = message_type
        self.length = length
        self.xid = xid

    def __repr__(self) -> str:
        return (f"Header(version={self.version}, message_type={self.message_type}, "
                f"length={self.length}, xid={self.xid})")


class OFMessage:
    """Stand-in for a python-openflow message: attributes but no ``as_dict``.

    Build one with :func:`ofmessage`; its class is named like the pyof class (``PacketIn``,
    ``FlowMod``...) and its repr is deterministic, e.g. ``FlowMod(xid=1234, length=120)``.
    """

    header: OFHeader

    def pack(self) -> bytes:
        """Wire bytes: the 8-byte OpenFlow header, then zeros up to ``header.length``."""
        h = self.header
        return struct.pack("!BBHI", h.version, h.message_type, h.length, h.xid) + bytes(
            max(0, h.length - 8))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(xid={self.header.xid}, length={self.header.length})"


_MESSAGE_CLASSES: dict = {}


def ofmessage(ofpt: str, xid: int, **fields: Any) -> OFMessage:
    """A pyof-like message of the given type (e.g. "ofpt_flow_mod") with these attributes."""
    code, cls_name = _OFPT[ofpt]
    cls = _MESSAGE_CLASSES.get(cls_name)
    if cls is None:
        cls = _MESSAGE_CLASSES[cls_name] = type(cls_name, (OFMessage,), {"__module__": __name__})
    msg = cls.__new__(cls)
    msg.header = OFHeader(4, code, fields.pop("length", _OFPT_LEN[ofpt]), xid)
    msg.__dict__.update(fields)
    return msg


# --------------------------------------------------------------------------- events


class Event:
    """A ``KytosEvent`` look-alike: name, content, id (uuid4), timestamp (UTC), ...

    Without ``id`` / ``timestamp`` it draws a random uuid4 and the current time like Kytos;
    the generators in this module always pass deterministic ones.
    """

    def __init__(self, name: str, content: Optional[dict] = None, id: Optional[uuid.UUID] = None,
                 timestamp: Optional[datetime] = None, priority: int = 0,
                 trace_parent: Any = None) -> None:
        self.name = name
        self.content = content if content is not None else {}
        self.timestamp = timestamp if timestamp is not None else datetime.now(timezone.utc)
        self.reinjections = 0
        self.priority = priority
        self.id = id if id is not None else uuid.uuid4()  # noqa: A003 - Kytos's name
        self.trace_parent = trace_parent

    @property
    def source(self) -> Any:
        return self.content.get("source")

    @property
    def destination(self) -> Any:
        return self.content.get("destination")

    @property
    def message(self) -> Any:
        return self.content["message"]

    def as_dict(self) -> dict:
        """``KytosEvent.as_dict()``: id as str, the live content and the datetime."""
        return {"id": str(self.id), "name": self.name, "content": self.content,
                "timestamp": self.timestamp, "reinjections": self.reinjections}

    def __lt__(self, other: "Event") -> bool:
        if self.priority != other.priority:
            return self.priority < other.priority
        return self.timestamp < other.timestamp

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"KytosEvent({self.name!r}, {self.content!r}, {self.priority})"


class EVC:
    """Just enough of mef_eline's EVC to build its events; no event ever carries one.

    ``current_path`` / ``failover_path`` are lists of Links ordered from ``uni_a``'s switch
    to ``uni_z``'s; ``s_vlans`` maps a link id to the service VLAN used on it.
    """

    def __init__(self, evc_id: str, name: str, uni_a: UNI, uni_z: UNI,
                 metadata: Optional[dict] = None, failover: bool = True) -> None:
        self.id = evc_id  # noqa: A003 - mef_eline's name
        self.name = name
        self.uni_a = uni_a
        self.uni_z = uni_z
        self.metadata = dict(metadata or {})
        self._active = False
        self._enabled = True
        self.failover = failover
        self.current_path: list = []
        self.failover_path: list = []
        self.s_vlans: dict = {}

    def get_cookie(self) -> int:
        """mef_eline's cookie: 0xAA in the top byte, then the 14 hex digits of the id."""
        return int(self.id, 16) + (0xAA << 56)

    def event_content(self, **extra: Any) -> dict:
        """``map_evc_event_content(evc, **extra)``: extra keys first, then the common ones."""
        return {**extra,
                "evc_id": self.id,
                "id": self.id,
                "name": self.name,
                "metadata": dict(self.metadata),
                "active": self._active,
                "enabled": self._enabled,
                "uni_a": self.uni_a.as_dict(),
                "uni_z": self.uni_z.as_dict()}

    def hops(self, path: Sequence[Link]) -> list:
        """(out interface, in interface) per link of ``path``, walking from uni_a's switch."""
        here = self.uni_a.interface.switch.id
        hops = []
        for link in path:
            if link.endpoint_a.switch.id == here:
                out, inn = link.endpoint_a, link.endpoint_b
            else:
                out, inn = link.endpoint_b, link.endpoint_a
            hops.append((out, inn))
            here = inn.switch.id
        return hops

    def path_flows(self, path: Sequence[Link], *, uni_in: bool = True,
                   uni_out: bool = True, nni: bool = True) -> dict:
        """mef_eline's flow dicts for ``path``, by dpid, in both directions.

        ``uni_in`` includes the push flows that take traffic in from the UNIs (a failover
        path is pre-installed without them); ``uni_out`` includes the pop flows towards them;
        ``nni`` includes the VLAN-swapping flows of the switches in between.
        """
        flows: dict = {}
        cookie = self.get_cookie()
        vlan_a, vlan_z = self.uni_a.user_tag.value, self.uni_z.user_tag.value
        uni_a, uni_z = self.uni_a.interface, self.uni_z.interface

        def add(switch: Switch, in_port: int, in_vlan: int, actions: list) -> None:
            flows.setdefault(switch.id, []).append({
                "match": {"in_port": in_port, "dl_vlan": in_vlan},
                "cookie": cookie,
                "actions": actions,
                "owner": "mef_eline",
                "table_group": "evpl",
                "table_id": 0,
                "priority": 20000,
            })

        def push(s_vlan: int, port: int) -> list:
            return [{"action_type": "push_vlan", "tag_type": "s"},
                    {"action_type": "set_vlan", "vlan_id": s_vlan},
                    {"action_type": "output", "port": port}]

        def pop(c_vlan: int, other_vlan: int, port: int) -> list:
            actions = [{"action_type": "pop_vlan"}]
            if c_vlan != other_vlan:
                actions.append({"action_type": "set_vlan", "vlan_id": c_vlan})
            actions.append({"action_type": "output", "port": port})
            return actions

        hops = self.hops(path)
        if not hops:
            return flows
        vlans = [self.s_vlans[link.id] for link in path]
        first_out, last_in = hops[0][0], hops[-1][1]
        if uni_in:
            add(uni_a.switch, uni_a.port_number, vlan_a, push(vlans[0], first_out.port_number))
        if uni_out:
            add(uni_a.switch, first_out.port_number, vlans[0],
                pop(vlan_a, vlan_z, uni_a.port_number))
        for i in range(1, len(hops) if nni else 1):
            came_in, go_out = hops[i - 1][1], hops[i][0]
            add(came_in.switch, came_in.port_number, vlans[i - 1],
                [{"action_type": "set_vlan", "vlan_id": vlans[i]},
                 {"action_type": "output", "port": go_out.port_number}])
            add(came_in.switch, go_out.port_number, vlans[i],
                [{"action_type": "set_vlan", "vlan_id": vlans[i - 1]},
                 {"action_type": "output", "port": came_in.port_number}])
        if uni_in:
            add(uni_z.switch, uni_z.port_number, vlan_z, push(vlans[-1], last_in.port_number))
        if uni_out:
            add(uni_z.switch, last_in.port_number, vlans[-1],
                pop(vlan_z, vlan_a, uni_z.port_number))
        return flows

    def __repr__(self) -> str:
        return f"EVC({self.id}, {self.name})"


class EventFactory:
    """Builds Events whose ids and timestamps come from one seeded rng and clock.

    Each event advances the clock by 20-1043 µs; :meth:`advance` jumps further. The factory
    methods put the objects they are given in the content as they are: pass clones when the
    objects will change later.
    """

    def __init__(self, seed: Union[int, random.Random] = 1, *,
                 start: datetime = START_TIME) -> None:
        self.rng = seed if isinstance(seed, random.Random) else random.Random(seed)
        self._now = start
        self._steps = [timedelta(microseconds=20 + i) for i in range(1024)]

    @property
    def now(self) -> datetime:
        """The timestamp of the last event made."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self._now += timedelta(seconds=seconds)

    def xid(self) -> int:
        """A random OpenFlow transaction id."""
        return self.rng.getrandbits(32)

    def event(self, name: str, content: Optional[dict] = None) -> Event:
        """An Event with the next timestamp and a uuid4 drawn from the rng."""
        rng = self.rng
        self._now += self._steps[rng.getrandbits(10)]
        return Event(name, content, id=uuid.UUID(int=rng.getrandbits(128), version=4),
                     timestamp=self._now)

    # core
    def napp_loaded(self, napp: str) -> Event:
        """``<user>/<napp>.loaded`` with ``{}``."""
        return self.event(f"{napp}.loaded", {})

    def connection_new(self, connection: Connection) -> Event:
        return self.event("kytos/core.openflow.connection.new", {"source": connection})

    def raw_in(self, connection: Connection, data: bytes) -> Event:
        """One TCP read: ``source`` Connection and ``new_data`` bytes."""
        return self.event("kytos/core.openflow.raw.in", {"source": connection, "new_data": data})

    def switch_new(self, switch: Switch) -> Event:
        return self.event("kytos/core.switch.new", {"switch": switch})

    def interface_tags(self, interface: Interface) -> Event:
        return self.event("kytos/core.interface_tags", {"interface": interface})

    # of_core
    def message_in(self, connection: Connection, message: OFMessage,
                   prefix: str = "kytos/of_core.v0x04") -> Event:
        """``<prefix>.messages.in.<ofpt_x>`` with ``message`` and ``source``."""
        ofpt = _ofpt_name(message)
        return self.event(f"{prefix}.messages.in.{ofpt}",
                          {"message": message, "source": connection})

    def message_out(self, connection: Connection, message: OFMessage,
                    prefix: str = "kytos/of_core.v0x04") -> Event:
        """``<prefix>.messages.out.<ofpt_x>`` with ``message`` and ``destination``."""
        ofpt = _ofpt_name(message)
        return self.event(f"{prefix}.messages.out.{ofpt}",
                          {"message": message, "destination": connection})

    def handshake_completed(self, switch: Switch) -> Event:
        return self.event("kytos/of_core.handshake.completed", {"switch": switch})

    def port_created(self, interface: Interface, *, napp: str = "of_core") -> Event:
        """of_core's ``switch.port.created`` (or topology's ``port.created``) dict content."""
        name = ("kytos/of_core.switch.port.created" if napp == "of_core"
                else "kytos/topology.port.created")
        return self.event(name, {
            "switch": interface.switch.dpid,
            "port": interface.port_number,
            "port_description": {"alias": interface.name, "mac": interface.address,
                                 "state": 4 if interface.is_active() else 1},
        })

    def interfaces_created(self, dpid: str, interfaces: list) -> Event:
        return self.event("kytos/of_core.switch.interfaces.created",
                          {"interfaces": interfaces, "dpid": dpid})

    def interface_created(self, interface: Interface) -> Event:
        """of_core's ``switch.interface.created``, from a PortStatus ADD."""
        return self.event("kytos/of_core.switch.interface.created", {"interface": interface})

    def interface_link(self, interface: Interface, up: bool) -> Event:
        """of_core's ``switch.interface.link_up`` / ``link_down``, from a PortStatus."""
        state = "link_up" if up else "link_down"
        return self.event(f"kytos/of_core.switch.interface.{state}", {"interface": interface})

    def reachable_mac(self, switch: Switch, port: Interface, mac: str) -> Event:
        return self.event("kytos/of_core.reachable.mac",
                          {"switch": switch, "port": port, "reachable_mac": mac})

    def flow_stats_received(self, switch: Switch, flows: list) -> Event:
        return self.event("kytos/of_core.flow_stats.received",
                          {"switch": switch, "replies_flows": flows})

    def table_stats_received(self, switch: Switch, tables: list) -> Event:
        return self.event("kytos/of_core.table_stats.received",
                          {"switch": switch, "replies_tables": tables})

    # topology
    def topology_interface_created(self, interface: Interface) -> Event:
        return self.event("kytos/topology.switch.interface.created", {"interface": interface})

    def link_status(self, link: Link, up: bool, reason: str) -> Event:
        """``kytos/topology.link_up`` / ``link_down`` with ``link`` and ``reason``."""
        name = "kytos/topology.link_up" if up else "kytos/topology.link_down"
        return self.event(name, {"link": link, "reason": reason})

    def interface_status(self, interface: Interface, up: bool,
                         reason: str = "maintenance") -> Event:
        """``kytos/topology.interface.up`` / ``.down`` with ``interface`` and ``reason``."""
        name = "kytos/topology.interface.up" if up else "kytos/topology.interface.down"
        return self.event(name, {"interface": interface, "reason": reason})

    def topology_updated(self, topology: Topology) -> Event:
        """The whole network in one event."""
        return self.event("kytos/topology.updated", {"topology": topology})

    def interruption(self, start: bool, switches: Iterable[str] = (),
                     interfaces: Iterable[str] = (), links: Iterable[str] = ()) -> Event:
        """maintenance's ``topology.interruption.start`` / ``.end``: frozensets of plain str
        ids, as maintenance reads them from its window document."""
        name = "topology.interruption.start" if start else "topology.interruption.end"
        return self.event(name, {"type": "maintenance",
                                 "switches": frozenset(map(str.__str__, switches)),
                                 "interfaces": frozenset(map(str.__str__, interfaces)),
                                 "links": frozenset(map(str.__str__, links))})

    # of_lldp
    def interface_is_nni(self, interface_a: Interface, interface_b: Interface) -> Event:
        return self.event("kytos/of_lldp.interface.is.nni",
                          {"interface_a": interface_a, "interface_b": interface_b})

    def liveness_up(self, interface_a: Interface, interface_b: Interface) -> Event:
        return self.event("kytos/of_lldp.liveness.up",
                          {"interface_a": interface_a, "interface_b": interface_b})

    # mef_eline
    def evc_event(self, kind: str, evc: EVC, **extra: Any) -> Event:
        """``kytos/mef_eline.<kind>`` with the plain-dict common content (+ extra keys)."""
        return self.event(f"kytos/mef_eline.{kind}", evc.event_content(**extra))

    def evcs_event(self, kind: str, contents: dict) -> Event:
        """``kytos/mef_eline.<kind>`` keyed by EVC id (failover_* events)."""
        return self.event(f"kytos/mef_eline.{kind}", contents)

    # flow_manager
    def flows_request(self, dpid: str, flows: list, *, install: bool = True,
                      force: bool = False) -> Event:
        """``kytos.flow_manager.flows.install`` / ``.delete`` (note the dot after kytos)."""
        action = "install" if install else "delete"
        return self.event(f"kytos.flow_manager.flows.{action}",
                          {"dpid": dpid, "flow_dict": {"flows": flows}, "force": force})

    def flow_state(self, switch: Switch, flow: Flow, added: bool) -> Event:
        """``kytos/flow_manager.flow.pending`` / ``.added`` with ``datapath`` and ``flow``."""
        name = "kytos/flow_manager.flow.added" if added else "kytos/flow_manager.flow.pending"
        return self.event(name, {"datapath": switch, "flow": flow})


def _ofpt_name(message: OFMessage) -> str:
    code = message.header.message_type
    for name, (c, _) in _OFPT.items():
        if c == code:
            return name
    raise ValueError(f"message_type: unknown value {code}")


# --------------------------------------------------------------------------- topology

# (node name, address, lat, lng, ISO 3166-2) of the sites switches are placed at.
_SITES = (
    ("ampath1", "Miami, FL, USA", 25.7574, -80.3733, "US-FL"),
    ("sax1", "Sao Paulo, SP, Brazil", -23.5505, -46.6333, "BR-SP"),
    ("tenet1", "Cape Town, South Africa", -33.9249, 18.4241, "ZA-WC"),
    ("chile1", "Santiago, Chile", -33.4489, -70.6693, "CL-RM"),
    ("panama1", "Panama City, Panama", 8.9824, -79.5199, "PA-8"),
    ("fortaleza1", "Fortaleza, CE, Brazil", -3.7319, -38.5267, "BR-CE"),
    ("atl1", "Atlanta, GA, USA", 33.7490, -84.3880, "US-GA"),
    ("chi1", "Chicago, IL, USA", 41.8781, -87.6298, "US-IL"),
    ("bocaraton1", "Boca Raton, FL, USA", 26.3683, -80.1289, "US-FL"),
    ("rio1", "Rio de Janeiro, RJ, Brazil", -22.9068, -43.1729, "BR-RJ"),
    ("jax1", "Jacksonville, FL, USA", 30.3322, -81.6557, "US-FL"),
    ("bogota1", "Bogota, Colombia", 4.7110, -74.0721, "CO-DC"),
)
_OVS = {"manufacturer": "Nicira, Inc.", "hardware": "Open vSwitch", "software": "2.17.9",
        "serial": "None", "data_path": "None"}
_NOVIFLOW = {"manufacturer": "NoviFlow Inc", "hardware": "WB5132-E", "software": "NW500.6.1",
             "data_path": "N/A"}
_TEN_GIG = 10 * 10**9 / 8
_HUNDRED_GIG = 100 * 10**9 / 8
_ONE_GIG = 10**9 / 8


def _dpid(n: int) -> str:
    digits = f"{n:016x}"
    return ":".join(digits[i:i + 2] for i in range(0, 16, 2))


def _mac(rng: random.Random) -> str:
    first = (rng.getrandbits(8) & 0xFC) | 0x02
    return ":".join(f"{b:02x}" for b in [first] + [rng.getrandbits(8) for _ in range(5)])


def _distance_km(a: dict, b: dict) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (a["lat"], a["lng"], b["lat"], b["lng"]))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(h))


def make_topology(rng: Union[int, random.Random] = 1, switches: int = 6,
                  ports_per_switch: int = 4) -> Topology:
    """A connected network: switches on a ring, plus chords across it, plus UNI ports.

    Every switch has ``ports_per_switch`` ports "eth1".."ethN". Ring links use two ports per
    switch; about one chord per three switches joins opposite switches while both still
    have two free ports; the remaining ports are UNIs (``link`` None). The state is the
    final "all up" one: everything active and enabled, NNIs with ``nni`` True and ``link``
    set, each switch connected (``Connection('127.0.0.1', <port>)``).
    """
    rng = rng if isinstance(rng, random.Random) else random.Random(rng)
    if switches < 1 or ports_per_switch < 1:
        raise ValueError("switches and ports_per_switch must be positive")
    topo = Topology()
    tcp_ports = rng.sample(range(32768, 61000), switches)
    for n in range(switches):
        site, address, lat, lng, iso = _SITES[n % len(_SITES)]
        if n >= len(_SITES):
            site = f"{site[:-1]}{n // len(_SITES) + 1}"
        novi = n % 3 == 2
        description = dict(_NOVIFLOW, serial=f"NF{rng.randrange(10**6):06d}") if novi else _OVS
        switch = Switch(_dpid(n + 1), Connection("127.0.0.1", tcp_ports[n]), description,
                        {"node_name": site, "lat": lat, "lng": lng, "address": address,
                         "iso3166_2_lvl4": iso})
        for port in range(1, ports_per_switch + 1):
            speed = _HUNDRED_GIG if novi else (_TEN_GIG if rng.random() < 0.85 else _ONE_GIG)
            switch.update_interface(Interface(f"eth{port}", port, switch, _mac(rng), speed))
        topo.switches[switch.dpid] = switch

    sws = list(topo.switches.values())
    free = {s.dpid: list(s.interfaces.values()) for s in sws}

    def connect(a: Switch, b: Switch) -> None:
        ia, ib = free[a.dpid].pop(0), free[b.dpid].pop(0)
        if ib.id < ia.id:
            ia, ib = ib, ia
        name_a, name_b = ia.switch.metadata["node_name"], ib.switch.metadata["node_name"]
        delay = round(_distance_km(ia.switch.metadata, ib.switch.metadata) / 200.0 + 0.5, 1)
        link = Link(ia, ib, {"link_name": f"{name_a}-{name_b}", "bandwidth": 100,
                             "delay": delay, "ownership": "ampath",
                             "availability": round(99 + rng.random(), 2)})
        for iface in (ia, ib):
            iface.nni = True
            iface.link = link
        topo.links[link.id] = link

    n = len(sws)
    if n == 2 and ports_per_switch >= 1:
        connect(sws[0], sws[1])
    elif n >= 3 and ports_per_switch >= 2:
        for i in range(n):
            connect(sws[i], sws[(i + 1) % n])
        candidates = [(i, (i + n // 2) % n) for i in range(n // 2)] if n >= 4 else []
        rng.shuffle(candidates)
        for i, j in candidates[:max(1, n // 3)]:
            if len(free[sws[i].dpid]) >= 2 and len(free[sws[j].dpid]) >= 2:
                connect(sws[i], sws[j])
    return topo


def _shortest_path(topo: Topology, src: str, dst: str,
                   exclude: frozenset = frozenset()) -> Optional[list]:
    """Fewest-hop list of active Links from switch src to dst avoiding ``exclude`` ids."""
    if src == dst:
        return []
    adjacency: dict = {}
    for link in topo.links.values():
        if link.id in exclude or not link.is_active():
            continue
        a, b = link.endpoint_a.switch.id, link.endpoint_b.switch.id
        adjacency.setdefault(a, []).append((b, link))
        adjacency.setdefault(b, []).append((a, link))
    previous: dict = {src: None}
    queue = deque([src])
    while queue:
        here = queue.popleft()
        for there, link in sorted(adjacency.get(here, ()), key=lambda e: (e[0], e[1].id)):
            if there in previous:
                continue
            previous[there] = (here, link)
            if there == dst:
                path = []
                while previous[there] is not None:
                    there, link = previous[there]
                    path.append(link)
                return path[::-1]
            queue.append(there)
    return None


def _plan_evcs(rng: random.Random, topo: Topology, count: int) -> list:
    """EVCs between UNIs of different switches, each with a primary path and (for most) a
    link-disjoint failover path, and service VLANs per link."""
    unis = topo.uni_interfaces()
    by_switch: dict = {}
    for iface in unis:
        by_switch.setdefault(iface.switch.id, []).append(iface)
    dpids = sorted(by_switch)
    used_vlans: dict = {}
    link_vlans: dict = {}
    evcs = []
    if len(dpids) < 2:
        return evcs

    def vlan_for(key: str, low: int, high: int) -> int:
        taken = used_vlans.setdefault(key, set())
        while True:
            vlan = rng.randint(low, high)
            if vlan not in taken:
                taken.add(vlan)
                return vlan

    for n in range(count):
        da, dz = rng.sample(dpids, 2)
        ia, iz = rng.choice(by_switch[da]), rng.choice(by_switch[dz])
        if ia.id > iz.id:
            ia, iz = iz, ia
        vlan_a = vlan_for(ia.id, 100, 3999)
        vlan_z = vlan_a if rng.random() < 0.8 else vlan_for(iz.id, 100, 3999)
        evc_id = f"{rng.getrandbits(56):014x}"
        site_a = ia.switch.metadata["node_name"]
        site_z = iz.switch.metadata["node_name"]
        metadata = {"owner": "sdx", "service_level": 6} if n % 4 == 1 else {}
        evc = EVC(evc_id, f"l2vpn-{site_a}-{site_z}-{vlan_a}", UNI(ia, TAG("vlan", vlan_a)),
                  UNI(iz, TAG("vlan", vlan_z)), metadata, failover=n % 3 != 0)
        evc.current_path = _shortest_path(topo, ia.switch.id, iz.switch.id) or []
        if evc.failover:
            primary = frozenset(link.id for link in evc.current_path)
            evc.failover_path = _shortest_path(topo, ia.switch.id, iz.switch.id, primary) or []
        for link in evc.current_path + evc.failover_path:
            taken = link_vlans.setdefault(link.id, set())
            while True:
                vlan = rng.randint(1, 4094)
                if vlan not in taken:
                    taken.add(vlan)
                    evc.s_vlans[link.id] = vlan
                    break
        evc._active = True
        evcs.append(evc)
    return evcs


def _lldp_flow(switch: Switch) -> dict:
    """of_lldp's LLDP punt flow (to the controller) on every switch."""
    return {"match": {"dl_type": 0x88CC, "dl_vlan": 3799},
            "cookie": (0xAB << 56) | int(switch.dpid.replace(":", ""), 16),
            "actions": [{"action_type": "output", "port": 0xFFFFFFFD}],
            "owner": "of_lldp", "table_group": "base", "table_id": 0, "priority": 50000}


def _random_stats(rng: random.Random) -> FlowStats:
    packets = rng.randint(0, 5 * 10**7)
    return FlowStats(byte_count=packets * rng.randint(64, 1500),
                     duration_sec=rng.randint(60, 10**6),
                     duration_nsec=rng.randrange(10**9), packet_count=packets)


def _lldp_frame(rng: random.Random, iface: Interface) -> bytes:
    """An LLDP Ethernet frame from ``iface`` (chassis = dpid, port = port number)."""
    dpid = iface.switch.dpid.encode()
    dst = bytes.fromhex("0180c200000e")
    src = bytes.fromhex(iface.address.replace(":", ""))
    chassis = b"\x07" + dpid
    port = b"\x02" + struct.pack("!I", iface.port_number)
    body = (struct.pack("!H", (1 << 9) | len(chassis)) + chassis
            + struct.pack("!H", (2 << 9) | len(port)) + port
            + struct.pack("!HH", (3 << 9) | 2, 120) + b"\x00\x00")
    return dst + src + b"\x81\x00" + struct.pack("!H", 3799) + b"\x88\xcc" + body


def _arp_request(rng: random.Random, src_mac: str) -> bytes:
    """A broadcast ARP who-has from a host behind a UNI."""
    mac = bytes.fromhex(src_mac.replace(":", ""))
    spa = bytes([10, 0, rng.randrange(256), rng.randrange(1, 255)])
    tpa = spa[:3] + bytes([rng.randrange(1, 255)])
    return (b"\xff" * 6 + mac + b"\x08\x06"
            + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + spa + bytes(6) + tpa)


def _raw(message: OFMessage, payload: bytes = b"") -> bytes:
    """The bytes of one TCP read carrying ``message`` (header, payload, zero padding)."""
    h = message.header
    body = payload[: max(0, h.length - 8)]
    return (struct.pack("!BBHI", h.version, h.message_type, h.length, h.xid) + body
            + bytes(max(0, h.length - 8 - len(body))))


def _packet_in(xid: int, in_port: int, frame: bytes, reason: int = 1) -> tuple:
    """A PacketIn carrying ``frame`` and the wire bytes of the read that brought it."""
    match = struct.pack("!HHII", 1, 12, 0x80000004, in_port) + bytes(4)
    body = (struct.pack("!IHBBQ", 0xFFFFFFFF, len(frame), reason, 0, 0) + match + bytes(2)
            + frame)
    msg = ofmessage("ofpt_packet_in", xid, length=8 + len(body), buffer_id=0xFFFFFFFF,
                    total_len=len(frame), reason=reason, table_id=0, in_port=in_port,
                    data=frame)
    return msg, _raw(msg, body)


def _port_status(xid: int, iface: Interface, reason: int = 2) -> tuple:
    """A PortStatus (reason 0 add, 2 modify) for ``iface`` and its wire bytes."""
    state = 4 if iface.is_active() else 1
    features = (1 << 6) | (1 << 11)  # 10GB_FD, COPPER
    mac = bytes.fromhex((iface.address or "00:00:00:00:00:00").replace(":", ""))
    body = struct.pack("!B7xI4x6s2x16sIIIIIIII", reason, iface.port_number, mac,
                       iface.name.encode()[:15], 0, state, features, features, features, 0,
                       int((iface.speed or 0) * 8 / 1000), int((iface.speed or 0) * 8 / 1000))
    msg = ofmessage("ofpt_port_status", xid, length=8 + len(body), reason=reason)
    return msg, _raw(msg, body)


# --------------------------------------------------------------------------- event_mix


class _Template:
    __slots__ = ("name", "size", "weight", "build")

    def __init__(self, name: str, size: str, weight: float,
                 build: Callable[[random.Random], dict]) -> None:
        self.name = name
        self.size = size
        self.weight = weight
        self.build = build


class _World:
    """A static network (topology, EVCs, flows, messages) and the templates drawn from it.

    Nothing here is mutated after construction, so contents may share objects.
    """

    def __init__(self, seed: int, switches: int = 6, ports_per_switch: int = 4,
                 evcs: int = 10) -> None:
        self.factory = EventFactory(seed)
        rng = self.factory.rng
        self.topology = make_topology(rng, switches, ports_per_switch)
        self.switches = list(self.topology.switches.values())
        self.links = list(self.topology.links.values())
        self.interfaces = self.topology.interfaces
        self.unis = self.topology.uni_interfaces() or self.interfaces
        self.evcs = _plan_evcs(rng, self.topology, evcs)
        self.flow_dicts: dict = {s.dpid: [_lldp_flow(s)] for s in self.switches}
        for evc in self.evcs:
            for path, full in ((evc.current_path, True), (evc.failover_path, False)):
                for dpid, flows in evc.path_flows(path, uni_in=full).items():
                    self.flow_dicts[dpid].extend(flows)
        self.flows = {s.dpid: [Flow.from_dict(d, s) for d in self.flow_dicts[s.dpid]]
                      for s in self.switches}
        self.stats_flows = {dpid: [f.with_stats(_random_stats(rng)) for f in flows]
                            for dpid, flows in self.flows.items()}
        self.tables = {s.dpid: [TableStats(s, t, len(self.flows[s.dpid]) if t == 0 else 0,
                                           rng.randint(10**5, 10**8), rng.randint(10**4, 10**6))
                                for t in range(4)] for s in self.switches}

    def switch_flows(self, dpid: str, count: int) -> list:
        """``count`` flows with stats on that switch, repeating the switch's flows if short."""
        flows = self.stats_flows[dpid]
        return [flows[i % len(flows)] for i in range(count)]

    def templates(self, topology_updates: bool = False) -> list:
        """The steady-state mix: (name, nominal size class, weight per ~1000, builder)."""
        rng = self.factory.rng
        conns = [s.connection for s in self.switches]
        nni_pairs = [(lk.endpoint_a, lk.endpoint_b) for lk in self.links]
        nni_pairs += [(b, a) for a, b in nni_pairs]
        if not nni_pairs:
            nni_pairs = [(i, i) for i in self.interfaces]

        def msg_pool(ofpt: str, **fields: Any) -> list:
            pool = []
            for _ in range(16):
                conn = rng.choice(conns)
                pool.append((ofmessage(ofpt, rng.getrandbits(32), **fields), conn))
            return pool

        def raw_pool() -> list:
            pool = []
            for _ in range(64):
                a, b = rng.choice(nni_pairs)
                kind = rng.choices(("lldp", "arp", "ofpt_echo_request", "ofpt_port_status",
                                    "ofpt_barrier_reply"), (20, 2, 1, 1, 2))[0]
                if kind == "lldp":
                    data = _packet_in(rng.getrandbits(32), b.port_number, _lldp_frame(rng, a))[1]
                elif kind == "arp":
                    data = _packet_in(rng.getrandbits(32), b.port_number,
                                      _arp_request(rng, _mac(rng)), reason=0)[1]
                elif kind == "ofpt_port_status":
                    data = _port_status(rng.getrandbits(32), b)[1]
                else:
                    data = _raw(ofmessage(kind, rng.getrandbits(32)))
                pool.append((b.switch.connection, data))
            return pool

        raws = raw_pool()
        packet_ins = [(_packet_in(rng.getrandbits(32), b.port_number, _lldp_frame(rng, a))[0],
                       b.switch.connection) for a, b in nni_pairs[:16]]
        packet_outs = [(ofmessage("ofpt_packet_out", rng.getrandbits(32), buffer_id=0xFFFFFFFF,
                                  in_port=0xFFFFFFFD, data=_lldp_frame(rng, a)),
                        a.switch.connection) for a, _ in nni_pairs[:16]]
        flow_mods = [(ofmessage("ofpt_flow_mod", rng.getrandbits(32), command=0,
                                cookie=f.cookie, priority=f.priority, table_id=f.table_id),
                      s.connection)
                     for s in self.switches for f in self.flows[s.dpid][:4]]

        def messages(name: str, pool: list, out: bool,
                     prefix: str = "kytos/of_core.v0x04") -> _Template:
            key = "destination" if out else "source"
            full = f"{prefix}.messages.{'out' if out else 'in'}.{name}"

            def build(r: random.Random) -> dict:
                message, conn = r.choice(pool)
                return {"message": message, key: conn}
            return _Template(full, "small", 0.0, build)

        def raw_in(r: random.Random) -> dict:
            conn, data = r.choice(raws)
            return {"source": conn, "new_data": data}

        def is_nni(r: random.Random) -> dict:
            a, b = r.choice(nni_pairs)
            return {"interface_a": a, "interface_b": b}

        macs = [(i.switch, i, _mac(rng)) for i in self.unis for _ in range(4)]

        def reachable_mac(r: random.Random) -> dict:
            switch, port, mac = r.choice(macs)
            return {"switch": switch, "port": port, "reachable_mac": mac}

        flow_pairs = [(s, f) for s in self.switches for f in self.flows[s.dpid]]

        def flow_state(r: random.Random) -> dict:
            switch, flow = r.choice(flow_pairs)
            return {"datapath": switch, "flow": flow}

        installs = [(dpid, flows) for evc in self.evcs
                    for dpid, flows in evc.path_flows(evc.current_path).items()]
        if not installs:
            installs = [(s.dpid, self.flow_dicts[s.dpid][:1]) for s in self.switches]

        def flows_install(r: random.Random) -> dict:
            dpid, flows = r.choice(installs)
            return {"dpid": dpid, "flow_dict": {"flows": flows}, "force": r.random() < 0.3}

        deletes = [(dpid, [{"cookie": evc.get_cookie(), "cookie_mask": 0xFFFFFFFFFFFFFFFF,
                            "owner": "mef_eline"}])
                   for evc in self.evcs for dpid in evc.path_flows(evc.current_path)]
        if not deletes:
            deletes = [(s.dpid, [{"cookie": 0, "cookie_mask": 0}]) for s in self.switches]

        def flows_delete(r: random.Random) -> dict:
            dpid, flows = r.choice(deletes)
            return {"dpid": dpid, "flow_dict": {"flows": flows}, "force": True}

        def flow_stats(r: random.Random) -> dict:
            switch = r.choice(self.switches)
            return {"switch": switch, "replies_flows": self.stats_flows[switch.dpid]}

        def table_stats(r: random.Random) -> dict:
            switch = r.choice(self.switches)
            return {"switch": switch, "replies_tables": self.tables[switch.dpid]}

        def down_clone(iface: Interface, reason: str) -> Interface:
            copy = iface.clone()
            copy.deactivate()
            copy.status_reason = {reason}
            return copy

        ifaces_up = [i for i in self.unis]
        ifaces_down = [down_clone(i, "maintenance") for i in self.unis]

        def iface_status(pool: list) -> Callable[[random.Random], dict]:
            return lambda r: {"interface": r.choice(pool), "reason": "maintenance"}

        links_down = []
        for link in self.links:
            copy = link.clone()
            copy.endpoint_a.deactivate()
            copy.endpoint_b.deactivate()
            links_down.append(copy)
        links_up = self.links or [None]
        links_down = links_down or [None]
        reasons_up = ("link up", "link up", "liveness_up", "maintenance")
        reasons_down = ("link down", "link down", "liveness_down", "maintenance")

        def link_status(pool: list, reasons: tuple) -> Callable[[random.Random], dict]:
            return lambda r: {"link": r.choice(pool), "reason": r.choice(reasons)}

        evcs = self.evcs or []

        def evc_common(r: random.Random) -> dict:
            return r.choice(evcs).event_content() if evcs else {}

        protected = [e for e in evcs if e.failover_path]

        def failover_deployed(r: random.Random) -> dict:
            chosen = r.sample(protected, min(3, len(protected)))
            return {e.id: e.event_content(
                flows=e.path_flows(e.failover_path, uni_in=False),
                removed_flows={}, error_reason="",
                current_path=[link.as_dict() for link in e.current_path]) for e in chosen}

        def port_created(napp: str) -> Callable[[random.Random], dict]:
            def build(r: random.Random) -> dict:
                iface = r.choice(self.interfaces)
                return {"switch": iface.switch.dpid, "port": iface.port_number,
                        "port_description": {"alias": iface.name, "mac": iface.address,
                                             "state": 4}}
            return build

        victim = self.switches[-1]
        affected_links = [lk.id for lk in self.links
                          if victim.dpid in (lk.endpoint_a.switch.id, lk.endpoint_b.switch.id)]

        def interruption(r: random.Random) -> dict:
            return {"type": "maintenance", "switches": frozenset([victim.dpid]),
                    "interfaces": frozenset(str.__str__(i.id)
                                            for i in victim.interfaces.values()),
                    "links": frozenset(map(str.__str__, affected_links))}

        t = []

        def add(name: str, size: str, weight: float, build: Callable) -> None:
            t.append(_Template(name, size, weight, build))

        def add_msg(ofpt: str, out: bool, weight: float, pool: Optional[list] = None,
                    prefix: str = "kytos/of_core.v0x04") -> None:
            tpl = messages(ofpt, pool if pool is not None else msg_pool(ofpt), out, prefix)
            tpl.weight = weight
            t.append(tpl)

        # Dropped by the default filter (per packet / per message).
        add("kytos/core.openflow.raw.in", "small", 240, raw_in)
        add_msg("ofpt_packet_in", False, 110, packet_ins)
        add_msg("ofpt_echo_request", False, 4)
        add_msg("ofpt_echo_reply", False, 4)
        add_msg("ofpt_multipart_reply", False, 8)
        add_msg("ofpt_barrier_reply", False, 8)
        add_msg("ofpt_port_status", False, 1)
        add_msg("ofpt_packet_out", True, 110, packet_outs, "kytos/of_lldp")
        add_msg("ofpt_flow_mod", True, 30, flow_mods, "kytos/flow_manager")
        add_msg("ofpt_barrier_request", True, 8, None, "kytos/flow_manager")
        add_msg("ofpt_echo_request", True, 4)
        add_msg("ofpt_echo_reply", True, 4)
        add_msg("ofpt_multipart_request", True, 8)
        # Per packet / per flow, passed by the default filter.
        add("kytos/of_lldp.interface.is.nni", "medium", 100, is_nni)
        add("kytos/of_core.reachable.mac", "medium", 10, reachable_mac)
        add("kytos/flow_manager.flow.pending", "medium", 30, flow_state)
        add("kytos/flow_manager.flow.added", "medium", 30, flow_state)
        add("kytos.flow_manager.flows.install", "medium", 6, flows_install)
        add("kytos.flow_manager.flows.delete", "small", 2, flows_delete)
        # Periodic statistics.
        add("kytos/of_core.flow_stats.received", "large", 4, flow_stats)
        add("kytos/of_core.table_stats.received", "medium", 4, table_stats)
        # Topology and service changes.
        add("kytos/topology.interface.up", "small", 2, iface_status(ifaces_up))
        add("kytos/topology.interface.down", "small", 2, iface_status(ifaces_down))
        if self.links:
            add("kytos/topology.link_up", "medium", 2, link_status(links_up, reasons_up))
            add("kytos/topology.link_down", "medium", 2, link_status(links_down, reasons_down))
            add("kytos/of_lldp.liveness.up", "medium", 1, is_nni)
        add("kytos/core.interface_tags", "small", 2, lambda r: {"interface": r.choice(self.unis)})
        add("kytos/of_core.switch.port.created", "small", 0.5, port_created("of_core"))
        add("kytos/topology.port.created", "small", 0.5, port_created("topology"))
        add("kytos/topology.switch.interface.created", "small", 0.5,
            lambda r: {"interface": r.choice(self.interfaces)})
        add("kytos/core.switch.new", "medium", 0.2, lambda r: {"switch": r.choice(self.switches)})
        add("kytos/of_core.handshake.completed", "medium", 0.2,
            lambda r: {"switch": r.choice(self.switches)})
        add("topology.interruption.start", "small", 0.2, interruption)
        add("topology.interruption.end", "small", 0.2, interruption)
        if evcs:
            for kind, weight in (("created", 1), ("deployed", 1.5), ("deleted", 1),
                                 ("redeployed_link_down", 1), ("redeployed_link_up", 0.5)):
                add(f"kytos/mef_eline.{kind}", "small", weight, evc_common)
            if protected:
                add("kytos/mef_eline.failover_deployed", "large", 1, failover_deployed)
        if topology_updates:
            add("kytos/topology.updated", "small", 0.5, lambda r: {"topology": self.topology})
        return t


def event_mix(count: int, seed: int = 1, sizes: Sequence[str] = ("small", "medium", "large"),
              *, switches: int = 6, ports_per_switch: int = 4, evcs: int = 10,
              topology_updates: bool = False) -> Iterator[Event]:
    """Yield ``count`` Events in the mix a running controller emits (steady state).

    About 70 % are per-packet OpenFlow events the default filter drops (raw.in,
    messages.in/out); the rest are mostly LLDP ``interface.is.nni``, flow_manager
    ``flow.pending/added``, ``reachable.mac``, periodic stats and a trickle of topology and
    mef_eline changes. ``sizes`` keeps only templates of those nominal size classes
    (:func:`size_class`): small ~200-500 B, medium ~0.7-3 KB, large ~8-15 KB of JSON.
    ``topology_updates`` adds rare ``kytos/topology.updated`` events (whole Topology object).
    Content objects are shared between events and never mutated.
    """
    unknown = set(sizes) - set(SIZE_CLASSES)
    if unknown:
        raise ValueError(f"sizes: unknown value(s) {sorted(unknown)} (small, medium, large)")
    world = _World(seed, switches, ports_per_switch, evcs)
    templates = [t for t in world.templates(topology_updates) if t.size in sizes]
    if not templates:
        return
    cumulative = []
    total = 0.0
    for tpl in templates:
        total += tpl.weight
        cumulative.append(total)
    factory = world.factory
    rng = factory.rng
    random_ = rng.random
    last = len(templates) - 1
    for _ in range(count):
        tpl = templates[min(bisect.bisect_right(cumulative, random_() * total), last)]
        yield factory.event(tpl.name, tpl.build(rng))


def sample_event(size: str = "medium", seed: int = 1) -> Event:
    """One representative event of a size class (:data:`SIZE_CLASSES`).

    - "small": ``kytos/mef_eline.deployed`` (plain dict, ~300 B);
    - "medium": ``kytos/topology.link_up`` (a Link with two full interfaces, ~1.1 KB);
    - "large": ``kytos/of_core.flow_stats.received`` (a Switch and 15 Flows, ~9 KB).
    """
    world = _World(seed)
    factory = world.factory
    if size == "small":
        return factory.evc_event("deployed", world.evcs[0])
    if size == "medium":
        return factory.link_status(world.links[0], True, "link up")
    if size == "large":
        switch = max(world.switches, key=lambda s: len(world.stats_flows[s.dpid]))
        return factory.flow_stats_received(switch, world.switch_flows(switch.dpid, 15))
    raise ValueError(f"size: unknown value {size!r} (small, medium, large)")


# --------------------------------------------------------------------------- controller_session


class _Story:
    """Builds :func:`controller_session`: live objects change, events carry clones."""

    def __init__(self, seed: int, switches: int, evcs: int, ports_per_switch: int,
                 topology_updates: bool) -> None:
        self.f = EventFactory(seed)
        self.rng = self.f.rng
        self.topo = make_topology(self.rng, switches, ports_per_switch)
        self.evc_count = evcs
        self.topology_updates = topology_updates
        self.events: list = []
        self.all_ports = {d: list(s.interfaces.values()) for d, s in self.topo.switches.items()}
        self.all_links = list(self.topo.links.values())
        self.known_links: list = []
        for switch in self.topo.switches.values():
            switch.interfaces = {}
            switch.deactivate()
        for iface in (i for ports in self.all_ports.values() for i in ports):
            iface.nni = False
            iface.link = None
            iface.deactivate()
        for link in self.all_links:
            link.deactivate()
        self.conns = {d: s.connection for d, s in self.topo.switches.items()}
        for switch in self.topo.switches.values():
            switch.connection = None
        self.evcs: list = []
        self.failed_evcs: list = []

    # helpers
    def emit(self, event: Event) -> None:
        self.events.append(event)

    def sw(self, dpid: str) -> Switch:
        return self.topo.switches[dpid].clone()

    def msg(self, conn: Connection, ofpt: str, out: bool,
            prefix: str = "kytos/of_core.v0x04") -> None:
        """An OpenFlow message out, or a raw read followed by the message in."""
        message = ofmessage(ofpt, self.f.xid())
        if out:
            self.emit(self.f.message_out(conn, message, prefix))
        else:
            self.recv(conn, (message, _raw(message)))

    def recv(self, conn: Connection, message_and_bytes: tuple) -> None:
        """The raw read, then the message of_core parsed from it."""
        message, data = message_and_bytes
        self.emit(self.f.raw_in(conn, data))
        self.emit(self.f.message_in(conn, message))

    def topology_updated(self) -> None:
        if self.topology_updates:
            self.emit(self.f.topology_updated(self.topo.clone()))

    def active_links(self) -> list:
        return [lk for lk in self.known_links if lk.is_active()]

    # phases
    def start(self) -> None:
        for napp in NAPPS:
            self.f.advance(0.05)
            self.emit(self.f.napp_loaded(napp))

    def connect(self, switch: Switch, hotplug: Optional[Interface]) -> None:
        self.f.advance(0.3)
        conn = self.conns[switch.dpid]
        self.emit(self.f.connection_new(conn))
        self.msg(conn, "ofpt_hello", True)
        self.msg(conn, "ofpt_hello", False)
        self.msg(conn, "ofpt_features_request", True)
        self.msg(conn, "ofpt_features_reply", False)
        description = switch.description
        switch.description = {}
        switch.connection = conn
        conn.switch = switch
        switch.activate()
        self.emit(self.f.switch_new(self.sw(switch.dpid)))
        self.msg(conn, "ofpt_set_config", True)
        self.msg(conn, "ofpt_multipart_request", True)
        self.msg(conn, "ofpt_multipart_reply", False)
        switch.description = description
        self.msg(conn, "ofpt_multipart_request", True)
        self.msg(conn, "ofpt_multipart_reply", False)
        ports = [i for i in self.all_ports[switch.dpid] if i is not hotplug]
        for iface in ports:
            iface.activate()
            switch.update_interface(iface)
            self.emit(self.f.port_created(iface.clone()))
            self.emit(self.f.port_created(iface.clone(), napp="topology"))
        snap = self.sw(switch.dpid)
        self.emit(self.f.interfaces_created(switch.dpid, list(snap.interfaces.values())))
        for iface in ports:
            self.emit(self.f.topology_interface_created(iface.clone()))
        self.emit(self.f.handshake_completed(self.sw(switch.dpid)))

    def hotplug(self, iface: Interface) -> None:
        self.f.advance(1.2)
        switch = iface.switch
        iface.activate()
        self.recv(switch.connection, _port_status(self.f.xid(), iface, reason=0))
        switch.update_interface(iface)
        self.emit(self.f.interface_created(iface.clone()))
        self.emit(self.f.topology_interface_created(iface.clone()))

    def lldp_round(self, discover: bool = False) -> None:
        """One of_lldp polling cycle (every 3 s): a PacketOut per NNI direction, the
        PacketIn on the far side and an interface.is.nni; plus some host traffic."""
        self.f.advance(3.0)
        links = self.all_links if discover else self.active_links()
        for link in links:
            if not (link.endpoint_a.is_active() and link.endpoint_b.is_active()):
                continue
            for a, b in ((link.endpoint_a, link.endpoint_b), (link.endpoint_b, link.endpoint_a)):
                frame = _lldp_frame(self.rng, a)
                self.emit(self.f.message_out(a.switch.connection, ofmessage(
                    "ofpt_packet_out", self.f.xid(), buffer_id=0xFFFFFFFF,
                    in_port=0xFFFFFFFD, data=frame), "kytos/of_lldp"))
                self.recv(b.switch.connection, _packet_in(self.f.xid(), b.port_number, frame))
                if discover and link not in self.known_links:
                    a.nni = b.nni = True
                self.emit(self.f.interface_is_nni(a.clone(), b.clone()))
            if discover and link not in self.known_links:
                link.endpoint_a.link = link.endpoint_b.link = link
                self.known_links.append(link)
        unis = self.topo.uni_interfaces()
        for iface in self.rng.sample(unis, min(2, len(unis))):
            if not iface.is_active():
                continue
            host = _mac(self.rng)
            self.recv(iface.switch.connection, _packet_in(
                self.f.xid(), iface.port_number, _arp_request(self.rng, host), reason=0))
            self.emit(self.f.reachable_mac(self.sw(iface.switch.dpid), iface.clone(), host))

    def links_up(self, reason: str) -> None:
        self.f.advance(10.0)
        for link in self.known_links:
            if not link.is_active():
                link.activate()
                self.emit(self.f.link_status(link.clone(), True, reason))
        for link in self.known_links:
            self.emit(self.f.liveness_up(link.endpoint_a.clone(), link.endpoint_b.clone()))
        self.topology_updated()

    def push_flows(self, flows_by_dpid: dict, *, force: bool = False) -> None:
        """flows.install per switch, then per flow the FlowMod, pending, and after a barrier
        round trip, added."""
        for dpid, flows in flows_by_dpid.items():
            switch = self.topo.switches[dpid]
            conn = switch.connection
            self.emit(self.f.flows_request(dpid, flows, force=force))
            objs = [Flow.from_dict(d, switch) for d in flows]
            for flow in objs:
                self.emit(self.f.message_out(conn, ofmessage(
                    "ofpt_flow_mod", self.f.xid(), command=0, cookie=flow.cookie,
                    priority=flow.priority, table_id=flow.table_id), "kytos/flow_manager"))
                self.emit(self.f.flow_state(self.sw(dpid), flow, added=False))
            self.msg(conn, "ofpt_barrier_request", True, "kytos/flow_manager")
            self.msg(conn, "ofpt_barrier_reply", False)
            for flow in objs:
                self.emit(self.f.flow_state(self.sw(dpid), flow, added=True))
                switch.flows.append(flow)

    def delete_flows(self, evc: EVC, dpids: Iterable[str]) -> None:
        for dpid in dpids:
            switch = self.topo.switches[dpid]
            spec = [{"cookie": evc.get_cookie(), "cookie_mask": 0xFFFFFFFFFFFFFFFF,
                     "owner": "mef_eline"}]
            self.emit(self.f.flows_request(dpid, spec, install=False, force=True))
            self.emit(self.f.message_out(switch.connection, ofmessage(
                "ofpt_flow_mod", self.f.xid(), command=3, cookie=evc.get_cookie(),
                priority=0, table_id=0xFF), "kytos/flow_manager"))
            switch.flows = [f for f in switch.flows if f.cookie != evc.get_cookie()]

    def failover_content(self, evc: EVC, removed: Optional[dict] = None) -> dict:
        return evc.event_content(
            flows=evc.path_flows(evc.failover_path, uni_in=False),
            removed_flows=removed or {}, error_reason="",
            current_path=[link.as_dict() for link in evc.current_path])

    def create_evcs(self) -> None:
        self.evcs = _plan_evcs(self.rng, self.topo, self.evc_count)
        for evc in self.evcs:
            self.f.advance(0.8)
            evc._active = False
            self.emit(self.f.evc_event("created", evc))
            self.emit(self.f.interface_tags(evc.uni_a.interface.clone()))
            self.emit(self.f.interface_tags(evc.uni_z.interface.clone()))
            self.push_flows(evc.path_flows(evc.current_path))
            evc._active = True
            self.emit(self.f.evc_event("deployed", evc))
            if evc.failover_path:
                self.push_flows(evc.path_flows(evc.failover_path, uni_in=False))
                self.emit(self.f.evcs_event("failover_deployed",
                                            {evc.id: self.failover_content(evc)}))

    def stats_round(self) -> None:
        """The 60 s of_core poll: echo, flow and table statistics, per switch."""
        self.f.advance(60.0)
        for switch in self.topo.switches.values():
            conn = switch.connection
            self.msg(conn, "ofpt_echo_request", True)
            self.msg(conn, "ofpt_echo_reply", False)
            self.msg(conn, "ofpt_multipart_request", True)
            self.msg(conn, "ofpt_multipart_reply", False)
            flows = [Flow.from_dict(_lldp_flow(switch), switch)] + switch.flows
            self.emit(self.f.flow_stats_received(
                self.sw(switch.dpid), [fl.with_stats(_random_stats(self.rng)) for fl in flows]))
            self.msg(conn, "ofpt_multipart_request", True)
            self.msg(conn, "ofpt_multipart_reply", False)
            self.emit(self.f.table_stats_received(self.sw(switch.dpid), [
                TableStats(switch, t, len(flows) if t == 0 else 0,
                           self.rng.randint(10**5, 10**8), self.rng.randint(10**4, 10**6))
                for t in range(4)]))
        self.msg(self.topo.switches[next(iter(self.topo.switches))].connection,
                 "ofpt_echo_request", False)
        self.msg(self.topo.switches[next(iter(self.topo.switches))].connection,
                 "ofpt_echo_reply", True)

    def pick_failing_link(self) -> Optional[Link]:
        best, best_key = None, None
        for link in self.known_links:
            riding = [e for e in self.evcs if link in e.current_path]
            with_fo = [e for e in riding if e.failover_path and link not in e.failover_path]
            key = (len(riding) > len(with_fo), bool(with_fo), len(riding), link.id)
            if best_key is None or key > best_key:
                best, best_key = link, key
        return best

    def link_failure(self, link: Link) -> None:
        """A link goes down: PortStatus on both ends, topology's link_down, and mef_eline's
        failover (swap to the pre-installed path) or redeploy for the EVCs on it."""
        self.f.advance(5.0)
        for iface in (link.endpoint_a, link.endpoint_b):
            iface.deactivate()
            self.recv(iface.switch.connection, _port_status(self.f.xid(), iface))
            self.emit(self.f.interface_link(iface.clone(), up=False))
        self.emit(self.f.link_status(link.clone(), False, "link down"))
        self.topology_updated()
        riding = [e for e in self.evcs if link in e.current_path]
        swap = [e for e in riding if e.failover_path and link not in e.failover_path]
        if len(swap) == len(riding) and len(riding) > 1:
            swap = swap[1:]  # its failover path was still being set up
        normal = [e for e in riding if e not in swap]
        if swap:
            install: dict = {}
            contents = {}
            for evc in swap:
                flows = evc.path_flows(evc.failover_path, uni_out=False, nni=False)
                for dpid, fl in flows.items():
                    install.setdefault(dpid, []).extend(fl)
                contents[evc.id] = evc.event_content(flows=flows)
            self.push_flows(install, force=True)
            self.emit(self.f.evcs_event("failover_link_down", contents))
            old = {}
            for evc in swap:
                removed = evc.path_flows(evc.current_path, uni_in=False)
                evc.current_path, evc.failover_path = evc.failover_path, []
                removed_specs = {}
                for dpid, fl in removed.items():
                    removed_specs[dpid] = [{"cookie": evc.get_cookie(), "match": f["match"],
                                            "owner": "mef_eline"} for f in fl]
                    self.delete_matching(dpid, removed_specs[dpid])
                old[evc.id] = evc.event_content(
                    current_path=[lk.as_dict() for lk in evc.current_path],
                    removed_flows=removed_specs)
            self.emit(self.f.evcs_event("failover_old_path", old))
            for evc in swap:
                self.find_failover(evc, exclude=frozenset([link.id]))
        for evc in normal:
            a, z = evc.uni_a.interface.switch.id, evc.uni_z.interface.switch.id
            dpids = list(evc.path_flows(evc.current_path))
            dpids += [d for d in evc.path_flows(evc.failover_path) if d not in dpids]
            self.delete_flows(evc, dpids)
            evc.failover_path = []
            evc._active = False
            path = _shortest_path(self.topo, a, z, frozenset([link.id]))
            if path is None:
                continue
            self.assign_vlans(evc, path)
            evc.current_path = path
            self.push_flows(evc.path_flows(path))
            evc._active = True
            self.emit(self.f.evc_event("redeployed_link_down", evc))
        self.failed_evcs = swap + normal

    def delete_matching(self, dpid: str, specs: list) -> None:
        """flows.delete of these flow specs (cookie + match) and their FlowMods."""
        switch = self.topo.switches[dpid]
        self.emit(self.f.flows_request(dpid, specs, install=False, force=True))
        for spec in specs:
            self.emit(self.f.message_out(switch.connection, ofmessage(
                "ofpt_flow_mod", self.f.xid(), command=4, cookie=spec["cookie"],
                priority=0, table_id=0), "kytos/flow_manager"))
        gone = [(spec["cookie"], spec["match"]) for spec in specs]
        switch.flows = [f for f in switch.flows
                        if (f.cookie, f.match.as_dict()) not in gone]

    def assign_vlans(self, evc: EVC, path: list) -> None:
        for link in path:
            if link.id not in evc.s_vlans:
                evc.s_vlans[link.id] = self.rng.randint(1, 4094)

    def find_failover(self, evc: EVC, exclude: frozenset = frozenset()) -> None:
        a, z = evc.uni_a.interface.switch.id, evc.uni_z.interface.switch.id
        avoid = exclude | frozenset(lk.id for lk in evc.current_path)
        path = _shortest_path(self.topo, a, z, avoid) or []
        evc.failover_path = path
        if path:
            self.assign_vlans(evc, path)
            self.push_flows(evc.path_flows(path, uni_in=False))
        self.emit(self.f.evcs_event("failover_deployed", {evc.id: self.failover_content(evc)}))

    def link_recovery(self, link: Link) -> None:
        """The link comes back: PortStatus, LLDP sees it again, topology's link_up after
        its timer, and mef_eline moves the EVCs back to their best path."""
        self.f.advance(30.0)
        for iface in (link.endpoint_a, link.endpoint_b):
            iface.activate()
            self.recv(iface.switch.connection, _port_status(self.f.xid(), iface))
            self.emit(self.f.interface_link(iface.clone(), up=True))
        self.emit(self.f.interface_is_nni(link.endpoint_a.clone(), link.endpoint_b.clone()))
        self.emit(self.f.link_status(link.clone(), True, "link up"))
        self.emit(self.f.liveness_up(link.endpoint_a.clone(), link.endpoint_b.clone()))
        self.topology_updated()
        for evc in self.failed_evcs:
            a, z = evc.uni_a.interface.switch.id, evc.uni_z.interface.switch.id
            best = _shortest_path(self.topo, a, z)
            if best is None or [lk.id for lk in best] == [lk.id for lk in evc.current_path]:
                continue
            self.delete_flows(evc, list(evc.path_flows(evc.current_path)))
            self.assign_vlans(evc, best)
            evc.current_path = best
            self.push_flows(evc.path_flows(best))
            self.emit(self.f.evc_event("redeployed_link_up", evc))
            if evc.failover:
                self.find_failover(evc)

    def maintenance(self) -> None:
        """A maintenance window on the switch that carries the fewest EVC endpoints."""
        self.f.advance(20.0)
        uses = {d: 0 for d in self.topo.switches}
        for evc in self.evcs:
            uses[evc.uni_a.interface.switch.id] += 1
            uses[evc.uni_z.interface.switch.id] += 1
        dpid = min(uses, key=lambda d: (uses[d], d))
        switch = self.topo.switches[dpid]
        ifaces = list(switch.interfaces.values())
        links = [lk for lk in self.known_links
                 if dpid in (lk.endpoint_a.switch.id, lk.endpoint_b.switch.id)]
        ids = ([dpid], [i.id for i in ifaces], [lk.id for lk in links])
        self.emit(self.f.interruption(True, *ids))
        for iface in ifaces:
            iface.status_reason = {"maintenance"}
            iface.deactivate()
            self.emit(self.f.interface_status(iface.clone(), False, "maintenance"))
        for link in links:
            link.status_reason = {"maintenance"}
            self.emit(self.f.link_status(link.clone(), False, "maintenance"))
        self.topology_updated()
        self.lldp_round()
        self.f.advance(600.0)
        self.emit(self.f.interruption(False, *ids))
        for iface in ifaces:
            iface.status_reason = set()
            iface.activate()
            self.emit(self.f.interface_status(iface.clone(), True, "maintenance"))
        for link in links:
            link.status_reason = set()
            self.emit(self.f.link_status(link.clone(), True, "maintenance"))
        self.topology_updated()

    def delete_evcs(self) -> None:
        for evc in self.evcs:
            self.f.advance(0.5)
            dpids = list(evc.path_flows(evc.current_path))
            for dpid in evc.path_flows(evc.failover_path, uni_in=False):
                if dpid not in dpids:
                    dpids.append(dpid)
            self.delete_flows(evc, dpids)
            evc._active = False
            evc._enabled = False
            self.emit(self.f.interface_tags(evc.uni_a.interface.clone()))
            self.emit(self.f.interface_tags(evc.uni_z.interface.clone()))
            self.emit(self.f.evc_event("deleted", evc))

    def run(self) -> list:
        self.start()
        switches = list(self.topo.switches.values())
        spare = self.topo_spare_port()
        for switch in switches:
            self.connect(switch, spare)
        self.topology_updated()
        self.lldp_round(discover=True)
        self.links_up("link up")
        if spare is not None:
            self.hotplug(spare)
        self.lldp_round()
        self.create_evcs()
        self.lldp_round()
        self.stats_round()
        failing = self.pick_failing_link()
        if failing is not None:
            self.link_failure(failing)
            self.lldp_round()
            self.link_recovery(failing)
        self.lldp_round()
        self.maintenance()
        self.lldp_round()
        self.stats_round()
        self.delete_evcs()
        self.lldp_round()
        return self.events

    def topo_spare_port(self) -> Optional[Interface]:
        """The last UNI of the first switch with two UNIs: it is plugged in later."""
        for dpid, ports in self.all_ports.items():
            unis = [i for i in ports if not any(i in (lk.endpoint_a, lk.endpoint_b)
                                                 for lk in self.all_links)]
            if len(unis) >= 2:
                return unis[-1]
        return None


def controller_session(seed: int = 1, switches: int = 6, evcs: int = 10, *,
                       ports_per_switch: int = 4, topology_updates: bool = True) -> list:
    """The ordered events of a controller's life, deterministic for a seed.

    NApps load; switches connect (hello, features, switch.new, port descriptions,
    port.created, interfaces.created, handshake.completed); LLDP discovers the links
    (interface.is.nni, link_up, liveness.up); a port is hot-plugged; EVCs are created and
    deployed (flows.install, FlowMods, flow.pending/added, failover_deployed); statistics
    are polled; a link fails (link_down, failover_link_down, failover_old_path,
    redeployed_link_down) and recovers (link_up, redeployed_link_up); a switch goes through
    a maintenance window (topology.interruption.start/end, interface.down/up); EVCs are
    deleted. raw.in / messages.in / messages.out noise and periodic LLDP rounds are
    interleaved. ``topology_updates`` includes the few ``kytos/topology.updated`` events.
    Objects in contents are snapshots: later steps never change them.
    """
    return _Story(seed, switches, evcs, ports_per_switch, topology_updates).run()
