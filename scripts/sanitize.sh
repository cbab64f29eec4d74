#!/usr/bin/env bash
# The sanitizer and fuzz tier (issue 4, "Bad input"): three parts, each closing with one
# line CI can read, "sanitize-<part>: N passed, N failed".
#   asan  the C++ tests built with -DEVENT_BRIDGE_SANITIZE=address,undefined (Debug,
#         build/asan): ctest -L unit and -L mock, halting on the first report;
#   tsan  the pipeline's threading tests (bridge_test, router_test) built with
#         -DEVENT_BRIDGE_SANITIZE=thread (build/tsan). The mock-cluster tests are skipped:
#         Debian's librdkafka is not built with TSan, whose reports about librdkafka's
#         own threads would be noise;
#   fuzz  the libFuzzer targets (clang, build/fuzz) for FUZZ_SECONDS each on their seed
#         corpus, then every saved reproducer in fuzz/corpus/regressions/ replayed.
# Usage: scripts/sanitize.sh [asan] [tsan] [fuzz]    (no argument: all three)
# Environment: JOBS (2), FUZZ_SECONDS (30), CLANGXX (clang++).
# Needs the Debian packages of scripts/install-deps.sh, plus clang and libclang-rt-14-dev
# for the fuzz part. Exits non-zero if any part fails or runs nothing.
# shellcheck disable=SC2317 # the part_* functions are called as "part_$part"
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 2
JOBS=${JOBS:-2}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
CLANGXX=${CLANGXX:-clang++}
log() { printf '\n[sanitize] %s\n' "$*"; }

parts=("$@")
((${#parts[@]} > 0)) || parts=(asan tsan fuzz)
for part in "${parts[@]}"; do
  case "$part" in
    asan | tsan | fuzz) ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown part: $part (asan, tsan, fuzz)" >&2; exit 2 ;;
  esac
done

# Every report is fatal. The one UBSan suppression is third-party (fuzz/ubsan.supp).
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/fuzz/ubsan.supp"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

summary=()
failed=0
record() { # part, passed, failed
  summary+=("sanitize-$1: $2 passed, $3 failed")
  if [ "$3" != 0 ] || [ "$2" = 0 ]; then failed=1; fi
}

# Prints "passed failed" for one ctest run; its output goes to stderr.
ctest_counts() { # build dir, ctest args...
  local dir=$1 out total fails
  shift
  out=$(ctest --test-dir "$dir" --output-on-failure -j "$JOBS" "$@" 2>&1) || true
  # Failing tests' output and the summary; not a line per passing test.
  printf '%s\n' "$out" | grep -v -E '^ +Start +[0-9]+: |Passed +[0-9.]+ sec$' >&2
  total=$(printf '%s\n' "$out" | sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' | tail -n1)
  fails=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' | tail -n1)
  total=${total:-0}
  fails=${fails:-0}
  echo "$((total - fails)) $fails"
}

configure_and_build() { # build dir, targets ("" for all), cmake args...
  local dir=$1 targets=$2
  shift 2
  cmake -S . -B "$dir" -G Ninja -DEVENT_BRIDGE_PYTHON=OFF -DEVENT_BRIDGE_BENCH=OFF "$@" >/dev/null &&
    if [ -n "$targets" ]; then
      # shellcheck disable=SC2086 # a list of target names
      cmake --build "$dir" -j "$JOBS" --target $targets
    else
      cmake --build "$dir" -j "$JOBS"
    fi
}

part_asan() {
  local start=$SECONDS unit mock
  log "asan: building the C++ tests with address,undefined (Debug, build/asan)"
  if ! configure_and_build build/asan "" -DCMAKE_BUILD_TYPE=Debug \
    -DEVENT_BRIDGE_SANITIZE=address,undefined; then
    record asan 0 1
    return
  fi
  log "asan: ctest -L unit"
  read -r -a unit < <(ctest_counts build/asan -L unit)
  log "asan: ctest -L mock"
  read -r -a mock < <(ctest_counts build/asan -L mock)
  echo "[sanitize] asan: unit ${unit[0]} passed, ${unit[1]} failed; mock ${mock[0]} passed, ${mock[1]} failed ($((SECONDS - start)) s)"
  record asan "$((unit[0] + mock[0]))" "$((unit[1] + mock[1]))"
}

part_tsan() {
  local start=$SECONDS counts
  log "tsan: building bridge_test and router_test with thread (RelWithDebInfo, build/tsan)"
  if ! configure_and_build build/tsan "bridge_test router_test" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DEVENT_BRIDGE_SANITIZE=thread; then
    record tsan 0 1
    return
  fi
  echo "[sanitize] tsan: skipping the mock-cluster tests (ctest -L mock, bridge_kafka_test):" \
    "Debian's librdkafka is not instrumented for ThreadSanitizer, which cannot see the" \
    "synchronization inside its threads and would report false races"
  log "tsan: bridge_test and router_test"
  # The other test binaries are not built here; ctest lists them as <name>_NOT_BUILT.
  read -r -a counts < <(ctest_counts build/tsan -L unit -E '_NOT_BUILT')
  echo "[sanitize] tsan: $((SECONDS - start)) s"
  record tsan "${counts[0]}" "${counts[1]}"
}

part_fuzz() {
  local start=$SECONDS passed=0 fails=0 name out rc input target
  if ! command -v "$CLANGXX" >/dev/null 2>&1; then
    echo "[sanitize] fuzz: $CLANGXX not found; apt-get install clang libclang-rt-14-dev" >&2
    record fuzz 0 1
    return
  fi
  log "fuzz: building decode_fuzzer and encode_fuzzer ($CLANGXX, build/fuzz)"
  if ! configure_and_build build/fuzz "decode_fuzzer encode_fuzzer" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="$CLANGXX" -DEVENT_BRIDGE_FUZZ=ON -DEVENT_BRIDGE_TESTS=OFF; then
    record fuzz 0 1
    return
  fi
  mkdir -p build/fuzz/artifacts
  for name in decode encode; do
    log "fuzz: ${name}_fuzzer for ${FUZZ_SECONDS} s on fuzz/corpus/$name"
    # New inputs go to build/fuzz/work/<name>; the seeds in fuzz/corpus/ are only read.
    mkdir -p "build/fuzz/work/$name"
    rc=0
    out=$("build/fuzz/fuzz/${name}_fuzzer" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
      -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$name-" \
      "build/fuzz/work/$name" "fuzz/corpus/$name" 2>&1) || rc=$?
    printf '%s\n' "$out" | grep -v -e '^#[0-9]' -e '^INFO:' -e 'NEW_FUNC' -e '# Uses:' -e '^######' |
      tail -n 40
    if [ "$rc" = 0 ]; then
      passed=$((passed + 1))
    else
      fails=$((fails + 1))
      echo "[sanitize] fuzz: ${name}_fuzzer failed (exit $rc); replay the saved input with" \
        "build/fuzz/fuzz/${name}_fuzzer <the 'Test unit written to' file above>, keep it as" \
        "fuzz/corpus/regressions/$name-<what>"
    fi
  done
  log "fuzz: replaying fuzz/corpus/regressions/"
  for input in fuzz/corpus/regressions/*; do
    [ -f "$input" ] || continue
    case "${input##*/}" in
      decode-*) target=decode ;;
      encode-*) target=encode ;;
      *) echo "[sanitize] fuzz: $input: name must start with decode- or encode-" >&2; fails=$((fails + 1)); continue ;;
    esac
    if out=$("build/fuzz/fuzz/${target}_fuzzer" "$input" 2>&1); then
      echo "  ok      $input"
      passed=$((passed + 1))
    else
      echo "  FAILED  $input"
      printf '%s\n' "$out" | grep -A3 -e 'property failed' -e 'runtime error' -e 'ERROR: AddressSanitizer' |
        head -n 6 | sed 's/^/          /'
      fails=$((fails + 1))
    fi
  done
  echo "[sanitize] fuzz: $((SECONDS - start)) s"
  record fuzz "$passed" "$fails"
}

total_start=$SECONDS
for part in "${parts[@]}"; do "part_$part"; done

log "summary ($((SECONDS - total_start)) s)"
for line in "${summary[@]}"; do echo "$line"; done
exit "$failed"
