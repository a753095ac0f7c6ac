"""Every time constant (and other number) the simulated runtime had to guess, in one place.

Times are seconds after the container process starts (t = 0). Each constant says what
evidence it rests on; "guess" means none was found. The README lists them too.
"""

from __future__ import annotations

# --- shell interpreter -------------------------------------------------------------
#: Time one simple command (echo, printenv, true, ...) takes. Real commands take
#: microseconds to milliseconds; 0 keeps printed times exact multiples of the sleeps,
#: like the recorded `while true; do echo hello; sleep 20; done` (guess).
COMMAND_SECONDS = 0.0
#: Minimum length of one `while`/`until` iteration, so a loop without `sleep` cannot
#: print an unbounded number of lines at a single instant (guess; a real busy loop
#: prints far faster, and the core's log limits cut it anyway).
MIN_LOOP_ITERATION_SECONDS = 0.001
#: Simple commands a program may execute at launch before the runtime stops trying to
#: decide whether it ends; past it the program counts as running forever and its
#: output is simulated lazily, on demand (guess; keeps `launch` fast).
LAUNCH_STEP_BUDGET = 20_000
#: Ceiling on simple commands when simulating output lazily up to some time (a loop that
#: neither repeats nor ends, e.g. a counter). Past it the output ends with a line saying it
#: was cut: the same work as a launch, about a second per log read at worst, and an hour or
#: more of such a loop's output (guess).
LAZY_STEP_BUDGET = 20_000

# --- tutorial images -----------------------------------------------------------------
#: aci-helloworld prints `listening on port 80` this long after start (guess: node
#: boots in well under a second).
HELLOWORLD_LISTEN_SECONDS = 0.0
#: The sidecar runs `watch -n 3 curl -I http://localhost` (Azure-Samples/aci-tutorial-sidecar
#: watchdog.sh): one request every 3 s; the docs' access log shows 3 s gaps.
SIDECAR_INTERVAL_SECONDS = 3.0
#: Time from sidecar start to its first request (guess: watch runs the command at once).
SIDECAR_FIRST_REQUEST_SECONDS = 0.0
#: aci-wordcount: download + html2text + count of a play (guess: "a few seconds").
WORDCOUNT_SECONDS = 3.0
#: aci-wordcount: time until a failed download raises (guess).
WORDCOUNT_FAIL_SECONDS = 1.0
#: Python interpreter start-up before the first statement runs (guess).
PYTHON_START_SECONDS = 0.05

# --- common public images ------------------------------------------------------------
#: nginx: docker-entrypoint.sh configuration lines, then the server notices (guess).
NGINX_START_SECONDS = 0.05
#: httpd and redis: start-up lines appear this long after start (guess).
SERVER_START_SECONDS = 0.05

#: Default Unix time of container start when the caller passes no ``started_at``:
#: 2024-01-01T00:00:00Z (arbitrary; only used to render dates such as `date` output,
#: morgan access-log lines and HTTP `Date:` headers).
DEFAULT_STARTED_AT = 1704067200.0
