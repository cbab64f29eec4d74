#!/usr/bin/env bash
# Soak run (issue 4; not part of CI): a Bridge publishing samples.event_mix at a fixed rate
# to a real Kafka that is SIGKILLed and restarted on a schedule; reports RSS over time,
# published / delivered / dropped / gap records and the unreported loss, which must be 0.
# Details and the RSS bound: bench/soak.py. Results: bench/results/soak-<date>-<time>.json.
#
# Usage: scripts/soak.sh [--minutes 30] [--rate 20000] [--restart-every 300]
#                        [--buffer-mb 64] [--flush-timeout 300]
# The broker runs in build/kafka-soak on 127.0.0.1:30092 (controller 30192), apart from
# the test suite's and the benchmarks' brokers; override with KAFKA_HOME_DIR and
# KAFKA_BASE_PORT. Needs the package installed (pip install .) with confluent-kafka and
# msgpack (pip install '.[test]'), Java 17 and the jars of scripts/kafka.sh.
# Exit status: 0 pass, 1 unreported loss or RSS over the bound, 2 the run failed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
case "${1:-}" in
  -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
export KAFKA_HOME_DIR=${KAFKA_HOME_DIR:-$root/build/kafka-soak}
export KAFKA_BASE_PORT=${KAFKA_BASE_PORT:-30092}
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import event_bridge, confluent_kafka, msgpack' 2>/dev/null; then
  echo "[soak] needs event_bridge, confluent-kafka and msgpack: $PYTHON -m pip install '.[test]'" >&2
  exit 2
fi
exec "$PYTHON" bench/soak.py "$@"
