"""Settings of kytos/event_bridge: every option of the bridge, with its default.

Read at setup() and again on every reload (/api/kytos/core/reload/kytos/event_bridge/).
An invalid value or an UPPER_CASE constant that is no setting (a misspelt name)
disables the NApp (Kytos keeps running); GET /api/kytos/event_bridge/v1/status names the
setting and the problem. Name constants of your own with a leading '_'. A file that
cannot run (a syntax error, an expression that raises) disables the NApp too when Kytos
loads it; Kytos's REST reload itself fails on such a file (HTTP 500, the NApp left
unloaded): fix it and reload again.
"""

import os

# Broker addresses, "host:port[,host:port...]".
BOOTSTRAP_SERVERS = os.environ.get("KYTOS_EVENT_BRIDGE_BOOTSTRAP_SERVERS", "localhost:9092")

# Which controller this is, written into every envelope; "" means the host name.
SOURCE_ID = os.environ.get("KYTOS_EVENT_BRIDGE_SOURCE_ID", "")

# Event-name regexes (RE2), each matched against the whole name, as Kytos means its
# listener patterns ('.' is a wildcard; unlike Kytos, 'a|b' cannot match 'a.x': see
# docs/ROUTING.md). An empty ALLOW allows everything; DENY wins.
ALLOW = []
# The per-chunk raw TCP events and the per-OpenFlow-message events are dropped by
# default; everything else is broadcast.
DENY = [
    r"kytos/core\.openflow\.raw\..*",
    r".*\.messages\.in\..*",
    r".*\.messages\.out\..*",
]

# The verbose topic receives every event that passes the filter.
VERBOSE_TOPIC_ENABLED = True
VERBOSE_TOPIC = "kytos.events"

# Each event also goes to its NApp's topic: NAPP_TOPIC_PREFIX + "<user>.<napp>",
# e.g. kytos.events.kytos.topology (see docs/ROUTING.md for irregular names).
NAPP_TOPICS_ENABLED = True
NAPP_TOPIC_PREFIX = "kytos.events."

# Custom routes: [{"pattern": regex, "topic": name, "key_path": "optional.dotted.path"}].
ROUTES = []

# Dotted paths into the content tried in order; the first str or int found is the
# message key, so that one entity's events stay in order on one partition.
KEY_PATHS = [
    "evc_id", "link.id", "interface.id", "switch.dpid", "datapath.dpid",
    "dpid", "interface_a.id", "interface_id", "switch", "*.evc_id",
]

# NApp user names recognised in dotted event names without '/'
# (kytos.flow_manager.flows.install -> kytos/flow_manager), and the user assumed for
# names that carry none (topology.interruption.start -> kytos/topology).
KNOWN_USERS = ["kytos", "amlight"]
DEFAULT_USER = "kytos"

# Topics are created with the admin API before the first event is produced to them.
CREATE_TOPICS = True
TOPIC_PARTITIONS = 3
TOPIC_REPLICATION_FACTOR = -1  # -1: the broker's default.replication.factor
TOPIC_CONFIG = {}  # e.g. {"retention.ms": "604800000"}

# Envelope encoding: "msgpack" (default, smaller and faster) or "json".
FORMAT = "msgpack"
# Compression codec: none, gzip, snappy, lz4, zstd.
COMPRESSION = "lz4"

# librdkafka properties, passed through and validated when the NApp starts.
KAFKA = {}
# librdkafka properties read from environment variables, for secrets:
# {"sasl.password": "KYTOS_EVENT_BRIDGE_SASL_PASSWORD"}. Never logged or shown.
KAFKA_ENV = {}

# The largest encoded event; a larger one is published as a small marker envelope.
MAX_MESSAGE_BYTES = 1000000
# The deepest nesting of content that is walked.
MAX_DEPTH = 64

# The front buffer holds events while the broker cannot take them.
BUFFER_MAX_EVENTS = 100000
BUFFER_MAX_BYTES = 128 * 1024 * 1024
# When it is full: "drop_oldest" or "drop_newest"; every drop is counted.
OVERFLOW_POLICY = "drop_oldest"

# Seconds shutdown() waits for buffered events to be delivered (reload, disable,
# controller stop), from 0 to 300: Kytos waits that long too. What is left is logged
# with its count.
FLUSH_TIMEOUT = 5.0
