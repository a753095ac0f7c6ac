#!/usr/bin/env bash
# Benchmark: a fresh clone to a green `make test`, install included (goal: <= 3 minutes on 2 cores).
# Usage: benchmarks/fresh_clone.sh [directory]   (default: a new temporary directory)
# Prints the install and test phases, the CPU time make test used (its processes and all
# they reaped), and the machine's load average before and after: on a shared machine the
# figure is only meaningful next to the load it was measured under.
# COSTS=1: also record each test's wall and CPU (benchmarks/pytest_costs.py) and print the
# dearest tests and pytest's 25 slowest phases.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$(mktemp -d)/aci-tutorial}"
git clone -q "$src" "$dest"
# ../shared sits beside the clone in CI; give the clone the same neighbour when we have one.
if [ -d "$src/../shared" ] && [ ! -e "$(dirname "$dest")/shared" ]; then
  ln -s "$(cd "$src/../shared" && pwd)" "$(dirname "$dest")/shared"
fi
cd "$dest"
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
start=$(date +%s.%N)
make .venv/.installed > "$dest/make-install.log" 2>&1 || { tail -30 "$dest/make-install.log"; exit 1; }
installed=$(date +%s.%N)
if [ -n "${COSTS:-}" ]; then
  export ACI_TEST_COSTS="$dest/test-costs" PYTHONPATH="$src/benchmarks${PYTHONPATH:+:$PYTHONPATH}"
  export PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} -p pytest_costs --durations=25"
fi
# the whole machine's busy and total CPU ticks (every session's), to tell waiting from work
ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat 2>/dev/null || echo "0 0"; }
ticks_before=$(ticks)
rc=0
/usr/bin/time -f "%U %S" -o "$dest/make-test.cpu" make test > "$dest/make-test.log" 2>&1 || rc=$?
end=$(date +%s.%N)
ticks_after=$(ticks)
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
[ "$rc" = 0 ] || grep -E '^(FAILED|ERROR) ' "$dest/make-test.log" || tail -30 "$dest/make-test.log"
tail -1 "$dest/make-test.log"
if [ -n "${COSTS:-}" ]; then
  sed -n '/slowest 25 durations/,/^=/p' "$dest/make-test.log"
  .venv/bin/python "$src/benchmarks/pytest_costs.py" "$dest/test-costs" 20
fi
python3 - "$start" "$installed" "$end" "$(nproc)" "$load_before" "$load_after" "$(cat "$dest/make-test.cpu")" "$ticks_before" "$ticks_after" <<'PY'
import sys
start, installed, end = map(float, sys.argv[1:4])
cores, before, after = sys.argv[4:7]
user, system = map(float, sys.argv[7].split()[-2:])
seconds = end - start
(busy0, all0), (busy1, all1) = (map(int, t.split()) for t in sys.argv[8:10])
busy = f"{100 * (busy1 - busy0) / (all1 - all0):.0f}%" if all1 > all0 else "?"
print(f"install {installed - start:.0f} s + make test {end - installed:.0f} s "
      f"(make test's CPU: {user + system:.0f} s, user {user:.0f} + system {system:.0f})")
print(f"fresh clone -> green make test: {seconds:.0f} s ({seconds / 180:.2f} of the 3-minute goal)")
print(f"on {cores} cores, busy {busy} of the time during make test (every session's work); "
      f"load average (1, 5, 15 min) before: {before}; after: {after}")
PY
exit "$rc"
