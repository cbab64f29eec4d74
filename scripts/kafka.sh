#!/usr/bin/env bash
# Run a real Apache Kafka 4.x cluster (KRaft, combined broker+controller nodes)
# on 127.0.0.1 for development, integration tests and benchmarks.
#
# Why this shape:
#   * Our machines reach Maven Central but not the Apache download site, so the
#     broker is assembled from the jars Kafka publishes to Maven Central
#     (scripts/kafka/pom.xml) and started with `java -cp libs/* kafka.Kafka`,
#     which is exactly what bin/kafka-server-start.sh does.
#   * No Docker: each node is a plain background JVM whose pid is kept in
#     <home>/node<i>/pid. Stopping only ever signals those pids (checked to
#     still be our JVM), never processes found by name.
#   * Readiness is polled, never slept for: a node is ready when its JVM is
#     alive, its broker port answers a real Kafka ApiVersions request, and its
#     log says "Kafka Server started" (KRaft logs that only after the broker
#     has been unfenced by the controller quorum, i.e. it can serve clients).
#
# Usage: scripts/kafka.sh COMMAND [ARGS]
#   fetch                 resolve the broker jars into <home>/libs (idempotent)
#   start [--nodes N]     start N nodes (default 1; max 9), wait until ready
#   stop                  SIGTERM every node, SIGKILL after KAFKA_STOP_TIMEOUT s
#   kill NODE             SIGKILL one node (failure tests)
#   start-node NODE       restart one node on its existing data, wait for it
#   status                one line per node; exit 0 iff every node is running
#   bootstrap             print the bootstrap list, e.g. 127.0.0.1:19092
#   topics ARGS...        kafka-topics (TopicCommand) against this cluster,
#                         e.g. topics --create --topic t --partitions 3 --replication-factor 3
#   run-class CLASS ARGS  run any class from the Kafka jars (admin tools)
#   clean                 stop, then delete all cluster data (keeps the jars)
#
# Environment:
#   KAFKA_HOME_DIR       state dir (default <repo>/build/kafka)
#   KAFKA_BASE_PORT      broker port of node 1 (default 19092); node i uses
#                        BASE+i-1, its controller BASE+100+i-1 (19192...)
#   KAFKA_AUTO_CREATE    auto.create.topics.enable (default true)
#   KAFKA_VERSION        override the Kafka version of scripts/kafka/pom.xml (4.x)
#   KAFKA_HEAP_OPTS      JVM heap flags (default "-Xms128m -Xmx512m")
#   KAFKA_EXTRA_CONFIG   extra server.properties lines (newline separated)
#   KAFKA_START_TIMEOUT  seconds to wait for readiness (default 120)
#   KAFKA_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL (default 30)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
POM="$SCRIPT_DIR/kafka/pom.xml"

KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$REPO_ROOT/build/kafka}"
KAFKA_BASE_PORT="${KAFKA_BASE_PORT:-19092}"
KAFKA_AUTO_CREATE="${KAFKA_AUTO_CREATE:-true}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
KAFKA_EXTRA_CONFIG="${KAFKA_EXTRA_CONFIG:-}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
# Controllers listen 100 ports above the brokers: 19092 -> 19192.
CONTROLLER_PORT_OFFSET=100
MAX_NODES=9

LIBS_DIR="$KAFKA_HOME_DIR/libs"
CONFIG_DIR="$KAFKA_HOME_DIR/config"
CLUSTER_ID_FILE="$KAFKA_HOME_DIR/cluster.id"
# "nodes=N base_port=P" of the formatted cluster. The metadata log on disk was
# written under that voter set (ids and controller ports), so a cluster of
# another shape must not reuse it.
TOPOLOGY_FILE="$KAFKA_HOME_DIR/topology"
FETCH_MARKER="$LIBS_DIR/.fetched"

log() { printf '[kafka] %s\n' "$*"; }
die() { printf '[kafka] error: %s\n' "$*" >&2; exit 1; }

usage() { sed -n '/^# Usage:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

# ---------------------------------------------------------------- helpers

kafka_version() {
  if [[ -n "${KAFKA_VERSION:-}" ]]; then
    echo "$KAFKA_VERSION"
  else
    sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1
  fi
}

node_dir() { echo "$KAFKA_HOME_DIR/node$1"; }
broker_port() { echo $((KAFKA_BASE_PORT + $1 - 1)); }
controller_port() { echo $((KAFKA_BASE_PORT + CONTROLLER_PORT_OFFSET + $1 - 1)); }
min() { if (($1 < $2)); then echo "$1"; else echo "$2"; fi; }

bootstrap_list() {
  local n=$1 i out=""
  for ((i = 1; i <= n; i++)); do out+="${out:+,}127.0.0.1:$(broker_port "$i")"; done
  echo "$out"
}

# Node count of the formatted cluster (0 if none).
topology_nodes() {
  if [[ -f "$TOPOLOGY_FILE" ]]; then
    sed -n 's/^nodes=\([0-9]*\).*/\1/p' "$TOPOLOGY_FILE"
  else
    echo 0
  fi
}

validate_node() {
  local node=${1:-}
  [[ "$node" =~ ^[1-9]$ ]] || die "NODE must be a number 1..$MAX_NODES, got '${node}'"
  local n
  n=$(topology_nodes)
  ((node <= n)) || die "node $node does not exist (cluster has ${n} node(s); run 'start' first)"
}

# Pid of node $1 if its JVM is alive, else nothing (and status 1). The pid is
# trusted only if /proc shows our kafka.Kafka with this node's config, so a
# recycled pid of an unrelated process is never signalled. Zombies count as dead.
node_pid() {
  local pidfile pid state
  pidfile="$(node_dir "$1")/pid"
  [[ -f "$pidfile" ]] || return 1
  pid=$(<"$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ "$state" != Z ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
    grep -qF "kafka.Kafka $(node_dir "$1")/server.properties" || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Send a Kafka ApiVersions v0 request (correlation id 42) and check that the
# broker answers with correlation id 42 and error code 0. This proves the
# request path works, not just that something listens on the port.
kafka_answers() {
  local port=$1 reply
  reply=$(
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    # size=14 | api_key=18 | api_version=0 | correlation_id=42 | client_id="kbsh"
    printf '\x00\x00\x00\x0e\x00\x12\x00\x00\x00\x00\x00\x2a\x00\x04kbsh' >&3
    timeout 3 head -c 10 <&3 | od -An -tx1 | tr -d ' \n'
  ) 2>/dev/null || return 1
  # <4-byte size><0000002a><0000>
  [[ "${reply:8:12}" == "0000002a0000" ]]
}

need_java() {
  command -v java >/dev/null 2>&1 || die "java not found; run scripts/install-deps.sh"
  local major
  major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  if [[ -z "$major" ]] || ((major < 17)); then
    die "Kafka 4.x needs Java >= 17, found: $(java -version 2>&1 | head -n1)"
  fi
}

# JVM for CLI tools (storage format, topics): small heap, warnings to stderr.
run_tool() {
  java -Xmx256m -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$CONFIG_DIR/tools-log4j2.properties" \
    -cp "$LIBS_DIR/*" "$@"
}

# log4j2 configs are rewritten on every fetch/start so edits here take effect.
# Kafka 4.x logs through log4j2 (and SLF4J bound to it); without a config
# log4j2 would print only errors to the console.
write_log4j_configs() {
  mkdir -p "$CONFIG_DIR"
  cat >"$CONFIG_DIR/log4j2.properties" <<'EOF'
# Broker logging: everything to <node dir>/server.log (kafka.logs.dir is set
# per node by scripts/kafka.sh); rolled at 100 MB, 3 files kept.
status = warn
name = kafka-broker
# Kafka logs its own shutdown from a JVM shutdown hook; log4j2's hook would
# stop logging concurrently and drop those lines.
shutdownHook = disable
appender.server.type = RollingFile
appender.server.name = server
appender.server.fileName = ${sys:kafka.logs.dir}/server.log
appender.server.filePattern = ${sys:kafka.logs.dir}/server.log.%i
appender.server.layout.type = PatternLayout
appender.server.layout.pattern = [%d] %p %m (%c)%n
appender.server.policies.type = Policies
appender.server.policies.size.type = SizeBasedTriggeringPolicy
appender.server.policies.size.size = 100MB
appender.server.strategy.type = DefaultRolloverStrategy
appender.server.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.server.ref = server
# Per-request and per-partition-state chatter is useless for us.
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
EOF
  cat >"$CONFIG_DIR/tools-log4j2.properties" <<'EOF'
# CLI tools (storage format, topics): warnings and errors to stderr only.
status = warn
name = kafka-tools
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stderr.ref = stderr
EOF
}

# Serialize commands that change state, so parallel test runners calling
# `start` at the same time do not format or launch nodes twice. Children that
# outlive us (the JVMs) must not inherit the lock fd: see launch_node.
take_lock() {
  mkdir -p "$KAFKA_HOME_DIR"
  exec 9>"$KAFKA_HOME_DIR/.lock"
  flock -w 300 9 || die "another scripts/kafka.sh holds $KAFKA_HOME_DIR/.lock"
}

# ---------------------------------------------------------------- fetch

fetch_marker_value() {
  echo "version=$(kafka_version) pom=$(sha256sum "$POM" | cut -c1-16)"
}

cmd_fetch() {
  local version marker tmp start_s jars size
  version=$(kafka_version)
  [[ "$version" == 4.* ]] || die "KAFKA_VERSION=$version: only Kafka 4.x fits scripts/kafka/pom.xml"
  write_log4j_configs
  marker=$(fetch_marker_value)
  if [[ -f "$FETCH_MARKER" && "$(<"$FETCH_MARKER")" == "$marker" ]]; then
    log "Kafka $version jars already in $LIBS_DIR ($(find "$LIBS_DIR" -name '*.jar' | wc -l) jars)"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found; run scripts/install-deps.sh"
  if any_node_running; then
    die "Kafka is running on the old jars; run 'scripts/kafka.sh stop' before fetching $version"
  fi
  log "resolving Kafka $version from Maven Central into $LIBS_DIR ..."
  start_s=$SECONDS
  # Resolve into a scratch dir and swap it in at the end, so an interrupted
  # or failed fetch never leaves a half-filled libs/ that looks complete.
  tmp="$KAFKA_HOME_DIR/libs.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # Maven's own output goes to a file (shown on failure): -q still leaves
  # stray ANSI reset codes on the terminal with Maven 3.8.
  if ! mvn -q -B -Dstyle.color=never -f "$POM" \
    -Dkafka.version="$version" \
    -Dkafka.build.dir="$KAFKA_HOME_DIR/maven" \
    dependency:copy-dependencies \
    -DoutputDirectory="$tmp" -DincludeScope=runtime >"$KAFKA_HOME_DIR/mvn.log" 2>&1; then
    tail -n 40 "$KAFKA_HOME_DIR/mvn.log" >&2
    die "mvn could not resolve Kafka $version (is it served by Maven Central here?); see $KAFKA_HOME_DIR/mvn.log"
  fi
  [[ -f "$tmp/kafka_2.13-$version.jar" ]] || die "kafka_2.13-$version.jar missing after mvn"
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  echo "$marker" >"$FETCH_MARKER"
  jars=$(find "$LIBS_DIR" -name '*.jar' | wc -l)
  size=$(du -sh "$LIBS_DIR" | cut -f1)
  log "fetched $jars jars ($size) in $((SECONDS - start_s)) s"
}

# ---------------------------------------------------------------- start

any_node_running() {
  local d i
  for d in "$KAFKA_HOME_DIR"/node*; do
    [[ -d "$d" ]] || continue
    i=${d##*/node}
    [[ "$i" =~ ^[0-9]+$ ]] || continue
    node_pid "$i" >/dev/null && return 0
  done
  return 1
}

write_server_properties() {
  local i=$1 n=$2 dir voters="" j
  dir=$(node_dir "$i")
  for ((j = 1; j <= n; j++)); do voters+="${voters:+,}$j@127.0.0.1:$(controller_port "$j")"; done
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<EOF
# Generated by scripts/kafka.sh on every start; edit the script, not this file.
# Node $i of a $n-node KRaft cluster, combined broker + controller.
process.roles=broker,controller
node.id=$i
# Static quorum (controller.quorum.voters, still supported in 4.x): a local
# fixed-size cluster needs none of KIP-853's dynamic voter changes.
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$(broker_port "$i"),CONTROLLER://127.0.0.1:$(controller_port "$i")
advertised.listeners=PLAINTEXT://127.0.0.1:$(broker_port "$i")
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data

auto.create.topics.enable=$KAFKA_AUTO_CREATE
num.partitions=1
# Internal topics must fit in the cluster: RF = min(N,3), min ISR = min(N,2).
default.replication.factor=$(min "$n" 3)
offsets.topic.replication.factor=$(min "$n" 3)
transaction.state.log.replication.factor=$(min "$n" 3)
transaction.state.log.min.isr=$(min "$n" 2)
share.coordinator.state.topic.replication.factor=$(min "$n" 3)
share.coordinator.state.topic.min.isr=$(min "$n" 2)
# Consumers in tests should get their assignment at once, not after 3 s.
group.initial.rebalance.delay.ms=0
EOF
  if [[ -n "$KAFKA_EXTRA_CONFIG" ]]; then
    printf '\n# KAFKA_EXTRA_CONFIG\n%s\n' "$KAFKA_EXTRA_CONFIG" >>"$dir/server.properties"
  fi
}

# Format node $1's log dir with the cluster id, unless already formatted.
format_node() {
  local i=$1 dir
  dir=$(node_dir "$i")
  [[ -f "$dir/data/meta.properties" ]] && return 0
  run_tool kafka.tools.StorageTool format \
    --cluster-id "$(<"$CLUSTER_ID_FILE")" \
    --config "$dir/server.properties" --ignore-formatted >"$dir/format.log" 2>&1 ||
    { cat "$dir/format.log" >&2; die "formatting node $i failed"; }
}

# Checked for all nodes before launching any, so a busy port never leaves
# half a cluster running.
check_ports_free() {
  local i port
  for i in "$@"; do
    for port in "$(broker_port "$i")" "$(controller_port "$i")"; do
      if port_open "$port"; then
        die "port $port (node $i) is already in use by another process (set KAFKA_BASE_PORT?)"
      fi
    done
  done
}

launch_node() {
  local i=$1 dir f
  dir=$(node_dir "$i")
  # Keep the previous run's logs one generation back; readiness below greps
  # the fresh server.log only.
  for f in server.log kafka.out; do
    [[ -f "$dir/$f" ]] && mv -f "$dir/$f" "$dir/$f.prev"
  done
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of flags
  nohup java $KAFKA_HEAP_OPTS \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dkafka.logs.dir="$dir" \
    -Dlog4j2.configurationFile="$CONFIG_DIR/log4j2.properties" \
    -cp "$LIBS_DIR/*" \
    kafka.Kafka "$dir/server.properties" \
    </dev/null >"$dir/kafka.out" 2>&1 9>&- &
  echo $! >"$dir/pid"
  log "node $i: launched pid $! (broker 127.0.0.1:$(broker_port "$i"), controller 127.0.0.1:$(controller_port "$i"))"
}

node_log_tail() {
  local dir
  dir=$(node_dir "$1")
  echo "----- tail of $dir/server.log -----" >&2
  tail -n 40 "$dir/server.log" >&2 2>/dev/null || echo "(no server.log)" >&2
  if [[ -s "$dir/kafka.out" ]]; then
    echo "----- tail of $dir/kafka.out -----" >&2
    tail -n 20 "$dir/kafka.out" >&2
  fi
}

# Wait until every node given is ready; on failure print its log and return 1.
wait_ready() {
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT)) start_s=$SECONDS
  local -a pending=("$@") still
  local i dir
  while ((${#pending[@]} > 0)); do
    still=()
    for i in "${pending[@]}"; do
      dir=$(node_dir "$i")
      if ! node_pid "$i" >/dev/null; then
        echo "[kafka] error: node $i exited during startup" >&2
        node_log_tail "$i"
        return 1
      fi
      if grep -q "Kafka Server started" "$dir/server.log" 2>/dev/null &&
        kafka_answers "$(broker_port "$i")"; then
        log "node $i: ready after $((SECONDS - start_s)) s"
      else
        still+=("$i")
      fi
    done
    pending=(${still[@]+"${still[@]}"})
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      echo "[kafka] error: node(s) ${pending[*]} not ready after ${KAFKA_START_TIMEOUT} s" >&2
      for i in "${pending[@]}"; do node_log_tail "$i"; done
      return 1
    fi
    sleep 0.25
  done
}

cmd_start() {
  local n="" arg
  while (($# > 0)); do
    arg=$1
    case "$arg" in
      --nodes) (($# >= 2)) || die "--nodes needs a value"; n=$2; shift 2 ;;
      --nodes=*) n=${arg#--nodes=}; shift ;;
      *) die "unknown start option: $arg" ;;
    esac
  done
  [[ -z "$n" || "$n" =~ ^[1-9]$ ]] || die "--nodes must be 1..$MAX_NODES, got '$n'"
  [[ "$KAFKA_AUTO_CREATE" == true || "$KAFKA_AUTO_CREATE" == false ]] ||
    die "KAFKA_AUTO_CREATE must be true or false, got '$KAFKA_AUTO_CREATE'"
  [[ "$KAFKA_BASE_PORT" =~ ^[0-9]+$ ]] || die "KAFKA_BASE_PORT must be a number"
  need_java
  cmd_fetch

  local want_topology formatted_n running=() dead=() i start_s=$SECONDS
  formatted_n=$(topology_nodes)

  # Something already running: keep it, but only if it is what was asked for.
  if any_node_running; then
    if [[ -n "$n" && "$n" != "$formatted_n" ]]; then
      die "a $formatted_n-node cluster is running; run 'scripts/kafka.sh stop' before starting $n node(s)"
    fi
    for ((i = 1; i <= formatted_n; i++)); do
      if node_pid "$i" >/dev/null; then running+=("$i"); else dead+=("$i"); fi
    done
    if ((${#dead[@]} == 0)); then
      log "already running ($formatted_n node(s))"
      echo "bootstrap servers: $(bootstrap_list "$formatted_n")"
      return 0
    fi
    log "nodes ${running[*]} running; starting missing node(s) ${dead[*]}"
    check_ports_free "${dead[@]}"
    for i in "${dead[@]}"; do launch_node "$i"; done
    wait_ready "${dead[@]}" || { cmd_stop; die "startup failed (cluster stopped; logs kept under $KAFKA_HOME_DIR)"; }
    echo "bootstrap servers: $(bootstrap_list "$formatted_n")"
    return 0
  fi

  n=${n:-1}
  want_topology="nodes=$n base_port=$KAFKA_BASE_PORT"
  # Old data belongs to another voter set (node count or ports): a KRaft log
  # cannot be carried over to a different static quorum, so start afresh.
  # This is a throw-away dev cluster; the cluster id is kept.
  if [[ -f "$TOPOLOGY_FILE" && "$(<"$TOPOLOGY_FILE")" != "$want_topology" ]]; then
    log "existing data is for '$(<"$TOPOLOGY_FILE")', wanted '$want_topology': deleting old cluster data"
    rm -rf "$KAFKA_HOME_DIR"/node* "$TOPOLOGY_FILE"
  fi

  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    run_tool kafka.tools.StorageTool random-uuid >"$CLUSTER_ID_FILE.tmp"
    mv "$CLUSTER_ID_FILE.tmp" "$CLUSTER_ID_FILE"
    log "generated cluster id $(<"$CLUSTER_ID_FILE")"
  fi

  log "starting $n-node KRaft cluster (Kafka $(kafka_version), auto.create.topics.enable=$KAFKA_AUTO_CREATE)"
  for ((i = 1; i <= n; i++)); do write_server_properties "$i" "$n"; done
  # Formatting is one short JVM per node; run them side by side.
  local -a fmt_pids=()
  for ((i = 1; i <= n; i++)); do
    format_node "$i" &
    fmt_pids+=($!)
  done
  for i in "${fmt_pids[@]}"; do wait "$i" || die "storage format failed"; done
  echo "$want_topology" >"$TOPOLOGY_FILE"

  # All nodes must come up together: with N>1 no node finishes starting
  # until a quorum majority of controllers is up.
  local -a all=()
  for ((i = 1; i <= n; i++)); do all+=("$i"); done
  check_ports_free "${all[@]}"
  for i in "${all[@]}"; do launch_node "$i"; done
  wait_ready "${all[@]}" || { cmd_stop; die "startup failed (cluster stopped; logs kept under $KAFKA_HOME_DIR)"; }
  log "cluster ready in $((SECONDS - start_s)) s"
  echo "bootstrap servers: $(bootstrap_list "$n")"
}

cmd_start_node() {
  local i=${1:-} dir pid start_s=$SECONDS
  validate_node "$i"
  need_java
  dir=$(node_dir "$i")
  [[ -f "$dir/data/meta.properties" ]] || die "node $i has no formatted data; run 'start' first"
  if pid=$(node_pid "$i"); then
    log "node $i already running (pid $pid)"
    return 0
  fi
  check_ports_free "$i"
  launch_node "$i"
  wait_ready "$i" || die "node $i did not start (left as is for inspection; 'stop' cleans up)"
  log "node $i restarted in $((SECONDS - start_s)) s"
}

# ---------------------------------------------------------------- stop

# Signal the given nodes, wait up to $timeout s for all of them together,
# then SIGKILL the rest. All nodes are signalled at once on purpose: stopping
# combined nodes one by one makes the last ones lose their controller quorum
# and wait out the controlled-shutdown timeout each.
stop_nodes() {
  local signal=$1 timeout=$2
  shift 2
  local -a pids=() nodes=()
  local i pid deadline
  for i in "$@"; do
    if pid=$(node_pid "$i"); then
      kill "-$signal" "$pid" 2>/dev/null || true
      pids+=("$pid")
      nodes+=("$i")
      log "node $i: sent SIG$signal to pid $pid"
    fi
  done
  ((${#nodes[@]} > 0)) || return 0
  deadline=$((SECONDS + timeout))
  while :; do
    local -a alive=()
    for i in "${nodes[@]}"; do node_pid "$i" >/dev/null && alive+=("$i"); done
    ((${#alive[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      for i in "${alive[@]}"; do
        if pid=$(node_pid "$i"); then
          log "node $i: still alive after ${timeout} s, sending SIGKILL to pid $pid"
          kill -KILL "$pid" 2>/dev/null || true
        fi
      done
      # SIGKILL cannot be ignored; this only waits for the kernel to reap.
      deadline=$((SECONDS + 10))
      timeout=10
    fi
    sleep 0.2
  done
  # The JVM's main thread is reaped before its other threads close the listening
  # sockets: wait until the ports refuse, so that a restart can bind them.
  deadline=$((SECONDS + 10))
  for i in "${nodes[@]}"; do
    while { port_open "$(broker_port "$i")" || port_open "$(controller_port "$i")"; } &&
      ((SECONDS < deadline)); do
      sleep 0.05
    done
    rm -f "$(node_dir "$i")/pid"
  done
}

all_node_ids() {
  local d i
  for d in "$KAFKA_HOME_DIR"/node*; do
    [[ -d "$d" ]] || continue
    i=${d##*/node}
    [[ "$i" =~ ^[0-9]+$ ]] && echo "$i"
  done
  return 0
}

cmd_stop() {
  local -a ids=()
  mapfile -t ids < <(all_node_ids)
  if ! any_node_running; then
    log "not running"
    local i
    for i in ${ids[@]+"${ids[@]}"}; do rm -f "$(node_dir "$i")/pid"; done
    return 0
  fi
  local start_s=$SECONDS
  stop_nodes TERM "$KAFKA_STOP_TIMEOUT" "${ids[@]}"
  log "stopped in $((SECONDS - start_s)) s"
}

cmd_kill() {
  local i=${1:-} pid
  validate_node "$i"
  if pid=$(node_pid "$i"); then
    stop_nodes KILL 10 "$i"
    log "node $i killed"
  else
    log "node $i is not running"
  fi
}

# ---------------------------------------------------------------- others

cmd_status() {
  local n i pid all_up=0 state
  n=$(topology_nodes)
  if ((n == 0)); then
    log "no cluster (never started or cleaned)"
    return 3
  fi
  for ((i = 1; i <= n; i++)); do
    if pid=$(node_pid "$i"); then
      if kafka_answers "$(broker_port "$i")"; then state="running"; else state="starting/unresponsive"; fi
      printf 'node %d: %-21s pid %-7s broker 127.0.0.1:%d controller 127.0.0.1:%d\n' \
        "$i" "$state" "$pid" "$(broker_port "$i")" "$(controller_port "$i")"
      [[ "$state" == running ]] || all_up=3
    else
      printf 'node %d: %-21s %-11s broker 127.0.0.1:%d controller 127.0.0.1:%d\n' \
        "$i" "stopped" "" "$(broker_port "$i")" "$(controller_port "$i")"
      all_up=3
    fi
  done
  echo "bootstrap servers: $(bootstrap_list "$n")"
  return "$all_up"
}

cmd_bootstrap() {
  local n
  n=$(topology_nodes)
  ((n > 0)) || n=1
  bootstrap_list "$n"
}

cmd_run_class() {
  (($# >= 1)) || die "run-class needs a class name"
  [[ -f "$FETCH_MARKER" ]] || die "jars not fetched; run 'scripts/kafka.sh fetch'"
  need_java
  write_log4j_configs
  run_tool "$@"
}

cmd_topics() {
  cmd_run_class org.apache.kafka.tools.TopicCommand --bootstrap-server "$(cmd_bootstrap)" "$@"
}

cmd_clean() {
  cmd_stop
  rm -rf "$KAFKA_HOME_DIR"/node* "$TOPOLOGY_FILE" "$CLUSTER_ID_FILE" "$CONFIG_DIR" \
    "$KAFKA_HOME_DIR/libs.tmp"
  log "deleted cluster data under $KAFKA_HOME_DIR (kept $LIBS_DIR)"
}

main() {
  local cmd=${1:-help}
  (($# > 0)) && shift
  case "$cmd" in
    fetch) take_lock; cmd_fetch ;;
    start) take_lock; cmd_start "$@" ;;
    stop) take_lock; cmd_stop ;;
    kill) take_lock; cmd_kill "$@" ;;
    start-node) take_lock; cmd_start_node "$@" ;;
    status) cmd_status ;;
    bootstrap) cmd_bootstrap ;;
    topics) cmd_topics "$@" ;;
    run-class) cmd_run_class "$@" ;;
    clean) take_lock; cmd_clean ;;
    help | -h | --help) usage ;;
    *) usage >&2; die "unknown command: $cmd" ;;
  esac
}

main "$@"
