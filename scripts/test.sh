#!/usr/bin/env bash
# Runs every test tier on this machine, installing what it lacks first:
#   1. Debian packages (scripts/install-deps.sh), Python test dependencies and the
#      package itself (pip builds the native module with scikit-build-core), into
#      $PYTHON (default python3) or, when pip may not install there, into build/venv
#      (scripts/python-env.sh);
#   2. the C++ build and its GoogleTest tiers (ctest -L unit, ctest -L mock);
#   3. a real Kafka broker (scripts/kafka.sh), stopped again on any exit;
#   4. the Python tiers: unit (tests/python), NApp (tests/napp), integration, faults
#      (tests/faults: Kafka clusters of their own, killed and restarted);
#   5. sanitizers and fuzzing (scripts/sanitize.sh).
# Fails if any tier fails or runs no test (a tier whose tests are missing counts as
# 0 passed). EVENT_BRIDGE_FAULTS=0 skips the fault tier on a local run (the summary
# says so); with CI=true it is refused. Usage: scripts/test.sh [pytest args...]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
JOBS=${JOBS:-2}
log() { printf '\n[test] %s\n' "$*"; }

if [ "${EVENT_BRIDGE_FAULTS:-1}" = 0 ] && [[ "${CI:-}" =~ ^([Tt]rue|TRUE|1)$ ]]; then
  echo "[test] error: EVENT_BRIDGE_FAULTS=0 with CI=$CI: CI runs the fault tier" >&2
  exit 2
fi

log "installing system packages"
bash scripts/install-deps.sh
# shellcheck source=scripts/python-env.sh
. scripts/python-env.sh
python_env "$root"
log "Python: $PYTHON"

log "installing the package and the test dependencies (builds the native module)"
"$PYTHON" -m pip install --quiet --disable-pip-version-check \
  "scikit-build-core>=0.10" "pybind11>=2.12"
# No build isolation: the two build requirements are installed just above, and an
# isolated build would download them again on every run.
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-build-isolation ".[test,bench]"

log "building the C++ library and its tests"
cmake -S . -B build/cpp -G Ninja -DEVENT_BRIDGE_PYTHON=OFF -DEVENT_BRIDGE_WERROR=ON >/dev/null
cmake --build build/cpp -j "$JOBS"

log "starting Kafka"
bash scripts/kafka.sh fetch
trap 'log "stopping Kafka"; bash scripts/kafka.sh stop || true' EXIT
bash scripts/kafka.sh start
EVENT_BRIDGE_KAFKA=$(bash scripts/kafka.sh bootstrap)
export EVENT_BRIDGE_KAFKA

summary=()
failures=()
failed=0
rm -f build/test-summary.txt
record() { # tier, passed, failed, skipped
  summary+=("$(printf '%-18s %s passed, %s failed, %s skipped' "$1:" "$2" "$3" "$4")")
  if [ "$3" != 0 ] || [ "$2" = 0 ]; then failed=1; fi
}

run_ctest() { # label
  local out total fails
  out=$(ctest --test-dir build/cpp -L "$1" --output-on-failure -j "$JOBS" 2>&1) || true
  printf '%s\n' "$out" | tail -n 25
  total=$(printf '%s\n' "$out" | sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' | tail -n1)
  fails=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' | tail -n1)
  total=${total:-0}
  fails=${fails:-0}
  while IFS= read -r line; do
    [ -n "$line" ] && failures+=("C++ $1: $line")
  done < <(printf '%s\n' "$out" | sed -n '/The following tests FAILED/,$p' | grep -E '^\s+[0-9]+ - ' | sed 's/^ *//')
  record "C++ $1" "$((total - fails))" "$fails" 0
}

run_pytest() { # tier name, paths...
  local tier=$1 xml rc
  shift
  xml=$(mktemp)
  rc=0
  # From a temporary directory, so that the installed package is the one tested.
  # shellcheck disable=SC2086 # PYTEST_ARGS is a list of arguments
  (cd "$(mktemp -d)" && "$PYTHON" -m pytest -q -p no:cacheprovider --rootdir "$root" \
     -c "$root/pyproject.toml" --junitxml "$xml" "$@" ${PYTEST_ARGS:-}) || rc=$?
  if [ "$rc" = 5 ]; then
    echo "[test] $tier: pytest collected no tests" >&2
  fi
  local counts
  counts=$("$PYTHON" - "$xml" "$xml.failed" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print(0, 0, 0, 0); raise SystemExit
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) for s in suites)
e = sum(int(s.get("errors", 0)) for s in suites)
k = sum(int(s.get("skipped", 0)) for s in suites)
# The names and first lines of failures, for the summary at the very end of the log
# (CI keeps the tail of a long log).
with open(sys.argv[2], "w") as out:
    for case in root.iter("testcase"):
        for bad in list(case.findall("failure")) + list(case.findall("error")):
            first = (bad.get("message") or "").strip().splitlines()[:1]
            name = f"{case.get('classname', '')}::{case.get('name', '')}"
            out.write(f"{name}: {first[0][:200] if first else bad.tag}\n")
print(t, f, e, k)
PY
)
  read -r tests fails errors skipped <<<"$counts"
  while IFS= read -r line; do
    [ -n "$line" ] && failures+=("$tier: $line")
  done < "$xml.failed" 2>/dev/null || true
  rm -f "$xml" "$xml.failed"
  local bad=$((fails + errors))
  if [ "$rc" != 0 ] && [ "$bad" = 0 ]; then bad=1; fi
  record "$tier" "$((tests - fails - errors - skipped))" "$bad" "$skipped"
}

log "C++ unit tests"
run_ctest unit
log "C++ tests on librdkafka's mock cluster"
run_ctest mock

log "Python tests"
run_pytest "Python" "$root/tests/python"
log "NApp tests"
if compgen -G "tests/napp/test_*.py" >/dev/null; then
  run_pytest "NApp" "$root/tests/napp"
else
  echo "[test] NApp: no tests/napp/test_*.py" >&2
  record "NApp" 0 0 0
  failures+=("NApp: no tests/napp/test_*.py")
fi
log "integration tests against the real Kafka broker at $EVENT_BRIDGE_KAFKA"
run_pytest "integration" "$root/tests/integration"
# Fault tests 1-8 (issue 4) start, kill and stop Kafka clusters of their own
# (build/kafka-faults, ports 31092+, 1 or 3 nodes), ~7 min. EVENT_BRIDGE_FAULTS=0 skips
# them (local runs only, refused above with CI=true; the summary shows the skip).
if [ "${EVENT_BRIDGE_FAULTS:-1}" != 0 ]; then
  log "fault tests against Kafka clusters of their own (build/kafka-faults, port 31092)"
  run_pytest "faults" "$root/tests/faults"
else
  log "fault tests skipped (EVENT_BRIDGE_FAULTS=0)"
  summary+=("faults: skipped (EVENT_BRIDGE_FAULTS=0)")
fi

# Sanitizers and fuzzing (issue 4): ASan/UBSan on the C++ tests, TSan on the pipeline's
# threading tests, libFuzzer on the decoder and encoders (scripts/sanitize.sh, ~4-5 min).
log "sanitizers and fuzzing (scripts/sanitize.sh)"
# (tee to a file, not to /dev/stderr: reopening a log file through /dev/stderr truncates it.)
bash scripts/sanitize.sh > build/sanitize.log 2>&1 || true
cat build/sanitize.log
sanitize_lines=$(grep -E '^sanitize-[a-z]+: [0-9]+ passed, [0-9]+ failed$' build/sanitize.log || true)
if [ "$(printf '%s\n' "$sanitize_lines" | grep -c .)" != 3 ]; then record "sanitize" 0 1 0; fi
while read -r tier passed _ fails _; do
  [ -n "$tier" ] && record "${tier%:}" "$passed" "$fails" 0
done <<<"$sanitize_lines"

# The quick benchmark profile (issue 5, bench/README.md): its own broker (build/kafka-bench,
# port 29092), under 2 minutes; it prints the targets with the ratios measured in this run.
# A missed target does not fail CI (speed is shown by benchmarks, not by tests); a
# benchmark that cannot run does.
log "quick benchmark (event-bridge bench --quick)"
bench_rc=0
"$PYTHON" bench/run.py --quick --out build/bench-quick --no-plots --results-md no 2>&1 |
  tee build/bench-quick.log || bench_rc=$?
if [ "$bench_rc" = 0 ] && grep -q '^Targets' build/bench-quick.log; then
  record "bench (quick)" 1 0 0
else
  record "bench (quick)" 0 1 0
  failures+=("bench (quick): exit $bench_rc, see build/bench-quick.log")
fi

log "summary"
if [ -f build/test-summary.txt ]; then sed 's/^/  /' build/test-summary.txt; echo; fi
for line in "${summary[@]}"; do echo "  $line"; done
if [ -f build/bench-quick.log ]; then
  echo
  sed -n '/^Targets/,/^$/p' build/bench-quick.log | sed 's/^/  /'
fi
if [ "${#failures[@]}" != 0 ]; then
  echo
  echo "  failed:"
  for line in "${failures[@]}"; do echo "    $line"; done
fi
exit "$failed"
