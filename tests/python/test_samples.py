"""Tests of event_bridge/samples.py, loaded from its file so no built package is needed."""

from __future__ import annotations

import enum
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

SAMPLES_PATH = Path(__file__).resolve().parents[2] / "python" / "event_bridge" / "samples.py"


def _load():
    spec = importlib.util.spec_from_file_location("event_bridge_samples_under_test", SAMPLES_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


samples = _load()

# The real catalogue, copied from CONTRACT.md §6 independently of the module's constants.
CATALOGUE = [re.compile(p) for p in (
    r"kytos/core\.openflow\.connection\.(new|lost|error)",
    r"kytos/core\.openflow\.raw\.in",
    r"kytos/core\.switch\.(new|reconnected)",
    r"kytos/core\.interface_tags",
    r"[a-z_]+/[a-z_]+\.loaded",
    r"kytos/of_core\.v0x04\.messages\.in\.ofpt_(packet_in|port_status|echo_request|echo_reply"
    r"|features_reply|multipart_reply|flow_removed|barrier_reply|error|hello)",
    r"kytos/of_core\.v0x04\.messages\.out\.ofpt_(hello|features_request|echo_request"
    r"|echo_reply|set_config|multipart_request|error)",
    r"kytos/of_core\.(handshake\.completed|flow_stats\.received|table_stats\.received"
    r"|port_stats|reachable\.mac|hello_failed)",
    r"kytos/of_core\.switch\.port\.created",
    r"kytos/of_core\.switch\.interfaces\.created",
    r"kytos/of_core\.switch\.interface\.(created|modified|deleted|link_up|link_down)",
    r"kytos/topology\.(topology_loaded|updated|link_up|link_down|port\.created"
    r"|switch\.interface\.created)",
    r"kytos/topology\.interface\.(enabled|disabled|up|down|deleted)",
    r"kytos/of_lldp\.messages\.out\.ofpt_packet_out",
    r"kytos/of_lldp\.(interface\.is\.nni|liveness\.(up|down|enabled|disabled))",
    r"kytos/mef_eline\.(created|updated|deleted|deployed|undeployed|redeployed_link_up"
    r"|redeployed_link_down|error_redeploy_link_down|uni_active_updated|need_failover"
    r"|need_redeploy|failover_deployed|failover_link_down|failover_old_path|evcs_loaded)",
    r"kytos\.flow_manager\.flows\.(install|delete)",
    r"kytos/flow_manager\.messages\.out\.ofpt_(flow_mod|barrier_request)",
    r"kytos/flow_manager\.flow\.(pending|added|removed|error)",
    r"topology\.interruption\.(start|end)",
)]

# The names the brief asks controller_session to contain.
SESSION_NAMES = (
    "kytos/core.switch.new",
    "kytos/of_core.handshake.completed",
    "kytos/of_core.switch.interfaces.created",
    "kytos/of_core.switch.interface.created",
    "kytos/topology.switch.interface.created",
    "kytos/topology.port.created",
    "kytos/topology.link_up",
    "kytos/topology.link_down",
    "kytos/topology.interface.up",
    "kytos/topology.interface.down",
    "kytos/of_lldp.interface.is.nni",
    "kytos/of_lldp.liveness.up",
    "kytos/mef_eline.created",
    "kytos/mef_eline.deployed",
    "kytos/mef_eline.redeployed_link_down",
    "kytos/mef_eline.failover_deployed",
    "kytos/mef_eline.deleted",
    "kytos.flow_manager.flows.install",
    "kytos/flow_manager.flow.pending",
    "kytos/flow_manager.flow.added",
    "kytos/of_core.flow_stats.received",
    "topology.interruption.start",
    "topology.interruption.end",
    "kytos/topology.updated",
    "kytos/core.openflow.raw.in",
    "kytos/of_core.v0x04.messages.in.ofpt_packet_in",
    "kytos/of_core.v0x04.messages.out.ofpt_echo_request",
    "kytos/flow_manager.messages.out.ofpt_flow_mod",
)

INTERFACE_KEYS = {"id", "name", "port_number", "mac", "switch", "type", "nni", "uni", "speed",
                  "metadata", "lldp", "active", "enabled", "status", "status_reason", "link"}
SWITCH_KEYS = {"id", "name", "dpid", "connection", "ofp_version", "type", "manufacturer",
               "serial", "hardware", "software", "data_path", "interfaces", "metadata",
               "active", "enabled", "status", "status_reason"}
LINK_KEYS = {"id", "endpoint_a", "endpoint_b", "metadata", "active", "enabled", "status",
             "status_reason"}
FLOW_KEYS = {"switch", "table_id", "match", "priority", "idle_timeout", "hard_timeout",
             "cookie", "id", "stats", "cookie_mask", "instructions"}
EVC_KEYS = {"evc_id", "id", "name", "metadata", "active", "enabled", "uni_a", "uni_z"}


def in_catalogue(name: str) -> bool:
    return any(p.fullmatch(name) for p in CATALOGUE)


def fingerprint(events) -> list:
    return [(e.name, str(e.id), e.timestamp.isoformat(),
             json.dumps(samples.plain(e.content), default=repr)) for e in events]


@pytest.fixture(scope="module")
def session():
    return samples.controller_session()


def by_name(events, name):
    return [e for e in events if e.name == name]


# --------------------------------------------------------------------------- determinism


def test_session_is_deterministic_for_a_seed():
    assert fingerprint(samples.controller_session(seed=7)) == \
        fingerprint(samples.controller_session(seed=7))


def test_event_mix_is_deterministic_for_a_seed():
    assert fingerprint(samples.event_mix(3000, seed=5)) == \
        fingerprint(samples.event_mix(3000, seed=5))


def test_other_seeds_give_other_events():
    assert fingerprint(samples.event_mix(200, seed=1)) != \
        fingerprint(samples.event_mix(200, seed=2))
    assert fingerprint(samples.controller_session(seed=1)) != \
        fingerprint(samples.controller_session(seed=2))


def test_sample_event_is_deterministic():
    for size in samples.SIZE_CLASSES:
        assert fingerprint([samples.sample_event(size, seed=3)]) == \
            fingerprint([samples.sample_event(size, seed=3)])


def test_same_output_under_other_hash_seeds():
    code = (
        "import hashlib, importlib.util, json, sys\n"
        f"spec = importlib.util.spec_from_file_location('s', {str(SAMPLES_PATH)!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "h = hashlib.sha256()\n"
        "for e in list(m.controller_session(seed=4)) + list(m.event_mix(2000, seed=4)):\n"
        "    h.update(json.dumps([e.name, str(e.id), e.timestamp.isoformat(),\n"
        "                         m.plain(e.content)], default=repr).encode())\n"
        "print(h.hexdigest())\n"
    )
    digests = set()
    for hash_seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                             capture_output=True, text=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


# --------------------------------------------------------------------------- events


def test_event_fields_look_like_a_kytos_event(session):
    for event in session[:200]:
        assert isinstance(event.id, uuid.UUID) and event.id.version == 4
        assert event.timestamp.tzinfo is timezone.utc
        assert event.reinjections == 0 and event.priority == 0
        assert isinstance(event.content, dict)
    assert len({e.id for e in session}) == len(session)


def test_session_timestamps_never_go_back(session):
    stamps = [e.timestamp for e in session]
    assert stamps == sorted(stamps)
    assert stamps[0] > samples.START_TIME
    assert stamps[-1] - stamps[0] > timedelta(minutes=10)


def test_event_without_id_or_timestamp_draws_them_like_kytos():
    event = samples.Event("kytos/topology.updated")
    assert event.content == {}
    assert event.id.version == 4
    assert event.timestamp.tzinfo is timezone.utc


# --------------------------------------------------------------------------- sizes


@pytest.mark.parametrize("size,low,high,name", [
    ("small", 150, 400, "kytos/mef_eline.deployed"),
    ("medium", 700, 1500, "kytos/topology.link_up"),
    ("large", 7000, 14000, "kytos/of_core.flow_stats.received"),
])
def test_size_classes_land_in_their_ranges(size, low, high, name):
    assert samples.SIZE_CLASSES[size] == (low, high)
    for seed in (1, 2, 3):
        event = samples.sample_event(size, seed=seed)
        assert event.name == name
        assert low <= samples.approx_json_size(event) <= high
        assert samples.size_class(samples.approx_json_size(event)) == size


def test_large_sample_carries_fifteen_flows():
    content = samples.sample_event("large").content
    assert len(content["replies_flows"]) == 15
    assert all(isinstance(f, samples.Flow) for f in content["replies_flows"])


def test_unknown_size_is_an_error():
    with pytest.raises(ValueError, match="size"):
        samples.sample_event("huge")
    with pytest.raises(ValueError, match="sizes"):
        list(samples.event_mix(1, sizes=("huge",)))


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_event_mix_sizes_keeps_only_that_class(size):
    events = list(samples.event_mix(1500, seed=9, sizes=(size,)))
    assert len(events) == 1500
    assert {samples.size_class(samples.approx_json_size(e)) for e in events} == {size}


def test_event_mix_spans_the_three_classes():
    classes = {samples.size_class(samples.approx_json_size(e))
               for e in samples.event_mix(3000, seed=1)}
    assert classes == {"small", "medium", "large"}


# --------------------------------------------------------------------------- shapes


def test_link_up_carries_a_link_with_full_interface_dicts():
    event = samples.sample_event("medium")
    assert set(event.content) == {"link", "reason"}
    link = event.content["link"]
    assert isinstance(link, samples.Link)
    as_dict = link.as_dict()
    assert set(as_dict) == LINK_KEYS
    for side, endpoint in (("endpoint_a", link.endpoint_a), ("endpoint_b", link.endpoint_b)):
        assert set(as_dict[side]) == INTERFACE_KEYS
        assert as_dict[side] == endpoint.as_dict()
        assert as_dict[side]["link"] == link.id
        assert as_dict[side]["nni"] is True and as_dict[side]["uni"] is False
        assert re.fullmatch(r"([0-9a-f]{2}:){7}[0-9a-f]{2}:\d+", as_dict[side]["id"])
        assert as_dict[side]["switch"] == as_dict[side]["id"].rsplit(":", 1)[0]
    raw = ":".join(sorted((link.endpoint_a.id, link.endpoint_b.id)))
    assert link.id == hashlib.sha256(raw.encode()).hexdigest()
    assert as_dict["status"] == "UP"


def test_key_attributes_are_real_attributes():
    topo = samples.make_topology(1)
    switch = next(iter(topo.switches.values()))
    iface = next(iter(switch.interfaces.values()))
    link = next(iter(topo.links.values()))
    assert switch.dpid == switch.id == "00:00:00:00:00:00:00:01"
    assert iface.id == f"{switch.dpid}:{iface.port_number}" and isinstance(iface.id, str)
    assert isinstance(link.id, str) and len(link.id) == 64


def test_switch_as_dict_has_kytos_keys_and_nested_interfaces():
    switch = next(iter(samples.make_topology(1).switches.values()))
    as_dict = switch.as_dict()
    assert set(as_dict) == SWITCH_KEYS
    assert as_dict["connection"] == f"127.0.0.1:{switch.connection.port}"
    assert as_dict["ofp_version"] == "0x04"
    assert set(as_dict["interfaces"]) == {i.id for i in switch.interfaces.values()}
    assert all(set(d) == INTERFACE_KEYS for d in as_dict["interfaces"].values())
    assert {"node_name", "lat", "lng"} <= set(as_dict["metadata"])


def test_topology_is_a_ring_with_chords_and_unis():
    topo = samples.make_topology(1, switches=6, ports_per_switch=4)
    assert len(topo.switches) == 6
    assert len(topo.links) > 6
    degree = {d: 0 for d in topo.switches}
    for link in topo.links.values():
        degree[link.endpoint_a.switch.id] += 1
        degree[link.endpoint_b.switch.id] += 1
    assert all(d >= 2 for d in degree.values())
    assert topo.uni_interfaces()
    speeds = {i.speed for i in topo.interfaces}
    assert speeds <= {1.25e8, 1.25e9, 1.25e10}
    assert all(i.name == f"eth{i.port_number}" for i in topo.interfaces)
    assert all(re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", i.address) for i in topo.interfaces)


def test_flow_shapes(session):
    event = by_name(session, "kytos/of_core.flow_stats.received")[0]
    assert set(event.content) == {"switch", "replies_flows"}
    assert isinstance(event.content["switch"], samples.Switch)
    flow = event.content["replies_flows"][-1].as_dict()
    assert set(flow) == FLOW_KEYS
    assert set(flow["stats"]) == {"byte_count", "duration_sec", "duration_nsec", "packet_count"}
    assert flow["instructions"][0]["instruction_type"] == "apply_actions"
    assert {a["action_type"] for a in flow["instructions"][0]["actions"]} <= \
        {"output", "set_vlan", "push_vlan", "pop_vlan"}
    assert re.fullmatch(r"[0-9a-f]{32}", flow["id"])
    pending = by_name(session, "kytos/flow_manager.flow.pending")[0]
    assert set(pending.content) == {"datapath", "flow"}
    assert isinstance(pending.content["datapath"], samples.Switch)
    assert isinstance(pending.content["flow"], samples.Flow)
    assert pending.content["flow"].as_dict()["stats"] == {}


def test_mef_eline_contents_are_plain_dicts(session):
    for kind in ("created", "deployed", "redeployed_link_down", "deleted"):
        content = by_name(session, f"kytos/mef_eline.{kind}")[0].content
        assert set(content) == EVC_KEYS
        assert samples.plain(content) == content
        assert re.fullmatch(r"[0-9a-f]{14}", content["evc_id"]) and content["id"] == content["evc_id"]
        assert set(content["uni_a"]) == {"interface_id", "tag"}
        assert content["uni_a"]["tag"]["tag_type"] == "vlan"
    for kind in ("failover_deployed", "failover_link_down", "failover_old_path"):
        content = by_name(session, f"kytos/mef_eline.{kind}")[0].content
        assert samples.plain(content) == content
        for evc_id, inner in content.items():
            assert inner["evc_id"] == evc_id and EVC_KEYS <= set(inner)
    deployed = by_name(session, "kytos/mef_eline.failover_deployed")[0].content
    inner = next(iter(deployed.values()))
    assert {"flows", "removed_flows", "error_reason", "current_path"} <= set(inner)
    assert all(set(link) == LINK_KEYS for link in inner["current_path"])
    for dpid, flows in inner["flows"].items():
        assert re.fullmatch(r"([0-9a-f]{2}:){7}[0-9a-f]{2}", dpid)
        assert all(f["owner"] == "mef_eline" and f["cookie"] >> 56 == 0xAA for f in flows)


def test_flow_manager_requests(session):
    install = by_name(session, "kytos.flow_manager.flows.install")[0].content
    assert set(install) == {"dpid", "flow_dict", "force"}
    assert set(install["flow_dict"]) == {"flows"} and install["flow_dict"]["flows"]
    assert isinstance(install["force"], bool)


def test_noise_events_have_no_as_dict(session):
    raw = by_name(session, "kytos/core.openflow.raw.in")[0].content
    assert isinstance(raw["new_data"], bytes) and raw["new_data"][0] == 4
    assert re.fullmatch(r"Connection\('127\.0\.0\.1', \d+\)", repr(raw["source"]))
    assert not hasattr(raw["source"], "as_dict")
    for name, key in (("kytos/of_core.v0x04.messages.in.ofpt_packet_in", "source"),
                      ("kytos/of_core.v0x04.messages.out.ofpt_echo_request", "destination"),
                      ("kytos/flow_manager.messages.out.ofpt_flow_mod", "destination")):
        content = by_name(session, name)[0].content
        assert set(content) == {"message", key}
        assert isinstance(content[key], samples.Connection)
        assert not hasattr(content["message"], "as_dict")
        assert re.fullmatch(r"[A-Za-z]+\(xid=\d+, length=\d+\)", repr(content["message"]))


def test_interruption_and_topology_updated(session):
    start = by_name(session, "topology.interruption.start")[0].content
    assert start["type"] == "maintenance"
    for key in ("switches", "interfaces", "links"):
        assert isinstance(start[key], frozenset) and start[key]
        assert all(type(i) is str for i in start[key])
    downs = by_name(session, "kytos/topology.interface.down")
    assert {e.content["reason"] for e in downs} == {"maintenance"}
    topo = by_name(session, "kytos/topology.updated")[0].content["topology"]
    assert not hasattr(topo, "as_dict")
    assert set(vars(topo)) == {"switches", "links"}
    assert all(isinstance(s, samples.Switch) for s in topo.switches.values())


def test_session_contents_are_snapshots(session):
    down = by_name(session, "kytos/topology.link_down")[0]
    assert down.content["reason"] == "link down"
    assert down.content["link"].as_dict()["status"] == "DOWN"
    ups = [e for e in by_name(session, "kytos/topology.link_up")
           if e.content["link"].id == down.content["link"].id]
    assert ups[0].timestamp < down.timestamp < ups[-1].timestamp
    assert ups[-1].content["link"].as_dict()["status"] == "UP"
    first_new = by_name(session, "kytos/core.switch.new")[0].content["switch"]
    assert first_new.as_dict()["interfaces"] == {}
    assert first_new.as_dict()["manufacturer"] == ""
    handshake = by_name(session, "kytos/of_core.handshake.completed")[0].content["switch"]
    assert handshake.as_dict()["interfaces"]
    assert all(not d["nni"] for d in handshake.as_dict()["interfaces"].values())


# --------------------------------------------------------------------------- catalogue


def test_session_contains_every_listed_name(session):
    names = {e.name for e in session}
    missing = [n for n in SESSION_NAMES if n not in names]
    assert not missing
    loaded = [e for e in session if e.name.endswith(".loaded")]
    assert loaded and all(e.content == {} for e in loaded)
    assert session[0].name.endswith(".loaded")


def test_session_names_are_all_real(session):
    assert [e.name for e in session if not in_catalogue(e.name)] == []


def test_event_mix_has_a_realistic_filtered_share_and_real_names():
    events = list(samples.event_mix(10000))
    assert len(events) == 10000
    names = [e.name for e in events]
    filtered = sum(1 for n in names if samples.is_filtered_by_default(n))
    assert filtered / len(names) >= 0.20
    assert sorted({n for n in names if not in_catalogue(n)}) == []
    assert "kytos/topology.updated" not in names


def test_event_mix_topology_updates_are_opt_in():
    names = {e.name for e in samples.event_mix(20000, topology_updates=True)}
    assert "kytos/topology.updated" in names


def test_module_catalogue_is_real():
    assert all(in_catalogue(n) for n in samples.EVENT_NAMES)
    assert all(in_catalogue(f"{napp}.loaded") for napp in samples.NAPPS)


def test_filtered_by_default_is_a_whole_name_match():
    assert samples.FILTERED_BY_DEFAULT == (
        "kytos/core\\.openflow\\.raw\\..*", ".*\\.messages\\.in\\..*",
        ".*\\.messages\\.out\\..*")
    assert samples.is_filtered_by_default("kytos/core.openflow.raw.in")
    assert samples.is_filtered_by_default("kytos/of_core.v0x04.messages.in.ofpt_packet_in")
    assert samples.is_filtered_by_default("kytos/flow_manager.messages.out.ofpt_flow_mod")
    assert not samples.is_filtered_by_default("kytos/of_lldp.interface.is.nni")
    assert not samples.is_filtered_by_default("kytos/core.openflow.connection.new")
    assert not samples.is_filtered_by_default("x/kytos/core.openflow.raw.in")


# --------------------------------------------------------------------------- plain()


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class WithAsDict:
    def as_dict(self):
        return {"when": date(2025, 1, 2), "tags": ("a", "b")}


class Opaque:
    def __repr__(self):
        return "Opaque()"


def test_plain_keeps_primitives():
    for value in (None, True, False, 0, -7, 2**64 + 1, 1.5, "", "eth1"):
        assert samples.plain(value) == value and type(samples.plain(value)) is type(value)


def test_plain_calls_as_dict_recursively():
    assert samples.plain(WithAsDict()) == {"when": "2025-01-02", "tags": ["a", "b"]}
    link = samples.make_topology(1).links
    first = next(iter(link.values()))
    assert samples.plain(first)["endpoint_a"] == samples.plain(first.endpoint_a)


def test_plain_turns_tuples_and_lists_into_lists():
    assert samples.plain((1, (2, [3]))) == [1, [2, [3]]]


def test_plain_sorts_sets_when_sortable():
    assert samples.plain(frozenset({"c", "a", "b"})) == ["a", "b", "c"]
    assert samples.plain({3, 1, 2}) == [1, 2, 3]
    mixed = samples.plain({1, "a"})
    assert sorted(mixed, key=str) == [1, "a"]


def test_plain_uuid_datetime_enum():
    ident = uuid.UUID("12345678-1234-4234-8234-123456789abc")
    assert samples.plain(ident) == "12345678-1234-4234-8234-123456789abc"
    moment = datetime(2025, 6, 2, 14, 0, 1, 250, tzinfo=timezone.utc)
    assert samples.plain(moment) == "2025-06-02T14:00:01.000250+00:00"
    assert samples.plain(date(2025, 6, 2)) == "2025-06-02"
    assert samples.plain(Color.RED) == "red"
    assert samples.plain(Level.HIGH) == 3 and type(samples.plain(Level.HIGH)) is int
    assert samples.plain(samples.EntityStatus.DOWN) == "DOWN"


def test_plain_keeps_bytes():
    assert samples.plain(b"\x04\x00") == b"\x04\x00"
    assert samples.plain(bytearray(b"\x01")) == b"\x01"


def test_plain_stringifies_non_str_keys():
    assert samples.plain({1: "a", (1, 2): "b", None: "c", "k": "d"}) == \
        {"1": "a", "(1, 2)": "b", "None": "c", "k": "d"}
    iface_id = samples.InterfaceID("00:00:00:00:00:00:00:01", 1)
    out = samples.plain({iface_id: iface_id})
    key, value = next(iter(out.items()))
    assert type(key) is str and type(value) is str and key == "00:00:00:00:00:00:00:01:1"


def test_plain_reprs_anything_else():
    conn = samples.Connection("127.0.0.1", 45678)
    assert samples.plain(conn) == "Connection('127.0.0.1', 45678)"
    assert samples.plain(Opaque()) == "Opaque()"
    message = samples.ofmessage("ofpt_echo_request", 7)
    assert samples.plain(message) == "EchoRequest(xid=7, length=8)"
    assert samples.plain(samples.Topology()) == "Topology(switches=0, links=0)"


def test_approx_json_size():
    event = samples.Event("x/y.z", {"a": [1, 2]})
    assert samples.approx_json_size(event) == len('{"a": [1, 2]}')
    raw = samples.Event("kytos/core.openflow.raw.in", {"new_data": b"\x04"})
    assert samples.approx_json_size(raw) == len(json.dumps({"new_data": repr(b"\x04")}))


# --------------------------------------------------------------------------- speed


def test_event_mix_generates_100k_events_quickly():
    start = time.perf_counter()
    count = sum(1 for _ in samples.event_mix(100_000))
    elapsed = time.perf_counter() - start
    assert count == 100_000
    assert elapsed < 10.0
