#!/usr/bin/env bash
# Benchmark: a fresh clone to a green `make test`, install included (goal: <= 3 minutes on 2 cores).
# Usage: benchmarks/fresh_clone.sh [directory]   (default: a new temporary directory)
# Prints the install and test phases and the machine's load average before and after: on a
# shared machine the figure is only meaningful next to the load it was measured under.
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
make test > "$dest/make-test.log" 2>&1 || { tail -30 "$dest/make-test.log"; exit 1; }
end=$(date +%s.%N)
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
tail -1 "$dest/make-test.log"
python3 - "$start" "$installed" "$end" "$(nproc)" "$load_before" "$load_after" <<'PY'
import sys
start, installed, end = map(float, sys.argv[1:4])
cores, before, after = sys.argv[4:7]
seconds = end - start
print(f"install {installed - start:.0f} s + make test {end - installed:.0f} s")
print(f"fresh clone -> green make test: {seconds:.0f} s ({seconds / 180:.2f} of the 3-minute goal)")
print(f"on {cores} cores; load average (1, 5, 15 min) before: {before}; after: {after}")
PY
