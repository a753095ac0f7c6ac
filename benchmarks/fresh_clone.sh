#!/usr/bin/env bash
# Benchmark: a fresh clone to a green `make test`, install included (goal: <= 3 minutes on 2 cores).
# Usage: benchmarks/fresh_clone.sh [directory]   (default: a new temporary directory)
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$(mktemp -d)/aci-tutorial}"
git clone -q "$src" "$dest"
# ../shared sits beside the clone in CI; give the clone the same neighbour when we have one.
if [ -d "$src/../shared" ] && [ ! -e "$(dirname "$dest")/shared" ]; then
  ln -s "$(cd "$src/../shared" && pwd)" "$(dirname "$dest")/shared"
fi
cd "$dest"
start=$(date +%s.%N)
make test > "$dest/make-test.log" 2>&1 || { tail -30 "$dest/make-test.log"; exit 1; }
end=$(date +%s.%N)
tail -1 "$dest/make-test.log"
python3 - "$start" "$end" <<'PY'
import sys
seconds = float(sys.argv[2]) - float(sys.argv[1])
print(f"fresh clone -> green make test: {seconds:.0f} s ({seconds / 180:.2f} of the 3-minute goal)")
PY
