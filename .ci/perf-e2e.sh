#!/usr/bin/env bash
# End-to-end figures from a real terminal, for the README's "Performance":
# the dashboard runs in tmux (160×45) against `aspect-tui sim` on loopback.
#
#   start-up: from the process's start to the first task row on screen,
#             at about 100 and 20,000 active tasks, beside the time curl
#             takes to fetch GET /tasks/active alone (the floor);
#   CPU:      the process's CPU time (utime+stime from /proc/PID/stat) over
#             SECS seconds of wall time, at 0, about 10 and about 1,000
#             events a second (counted on a second connection to /events).
#
# Needs tmux, curl and Go. Arguments pick parts: startup, cpu (default
# both; cpu0, cpu10 and cpu1000 run one rate). Knobs: SECS (default 60), RUNS (start-ups per size, default 3),
# PORT (default 18733), ARGS (extra dashboard flags, e.g. --no-animation),
# ENVS (variables for the dashboard, e.g. GOMAXPROCS=1), RESUME (start-ups
# resume the last session instead of starting fresh),
# PROFILE (a directory: the binary is built with -tags profile and each CPU
# run writes its whole CPU profile there, read with go tool pprof).
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${SECS:-60}
RUNS=${RUNS:-3}
PORT=${PORT:-18733}
KEY=sk_sim_local
URL=http://127.0.0.1:$PORT
HZ=$(getconf CLK_TCK)
DIR=$(mktemp -d)
BIN=$DIR/aspect-tui
SESSION=perf-e2e-$$
SIM=

cleanup() {
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  if [ -n "$SIM" ]; then kill "$SIM" 2>/dev/null || true; wait "$SIM" 2>/dev/null || true; fi
  rm -rf "$DIR"
}
trap cleanup EXIT

if [ -n "${PROFILE:-}" ]; then
  mkdir -p "$PROFILE"; PROFILE=$(cd "$PROFILE" && pwd)
  go build -tags profile -o "$BIN" .
else
  go build -o "$BIN" .
fi

now_ms() { echo $(($(date +%s%N) / 1000000)); }

start_sim() {
  "$BIN" sim --addr 127.0.0.1:$PORT --api-key $KEY "$@" >"$DIR/sim.log" 2>&1 &
  SIM=$!
  until curl -sf -o /dev/null -H "Authorization: Bearer $KEY" "$URL/tasks/active"; do sleep 0.1; done
}

stop_sim() { kill "$SIM"; wait "$SIM" 2>/dev/null || true; SIM=; }

# fetch prints the seconds curl takes to fetch GET /tasks/active, then its
# size in bytes and the tasks it lists.
fetch() {
  curl -s -o "$DIR/active.json" -w '%{time_total} %{size_download}' -H "Authorization: Bearer $KEY" "$URL/tasks/active"
  echo " $(grep -o '"asset_id"' "$DIR/active.json" | wc -l)"
}

# dashboard starts the dashboard in tmux; the shell notes the time just
# before it becomes the dashboard (exec), so tmux's own start is not timed.
dashboard() {
  local prof=""
  if [ -n "${PROFILE:-}" ] && [ -n "${1:-}" ]; then prof="ASPECT_TUI_CPUPROFILE=$PROFILE/$1.pprof"; fi
  tmux new-session -d -s "$SESSION" -x 160 -y 45 \
    "echo \$((\$(date +%s%N) / 1000000)) > $DIR/t0; ${ENVS:-} $prof ASPECT_API_KEY=$KEY exec $BIN --api-url $URL ${START_ARGS:-} ${ARGS:-}"
}

# first_row waits for a task row (a task id, then its asset: the id's prefix,
# or its name once fetched) and prints the
# milliseconds since the process started.
first_row() {
  rm -f "$DIR/t0"
  # --fresh: a plain start. A start that resumes the last session (the
  # default after the first) first waits for the stream's replay to fall
  # quiet (300 ms), which RESUME=1 measures instead.
  if [ -n "${RESUME:-}" ]; then START_ARGS= dashboard; else START_ARGS=--fresh dashboard; fi
  local deadline=$(($(now_ms) + 60000))
  until tmux capture-pane -p -t "$SESSION" 2>/dev/null | grep -qE '^┃  [0-9a-f]{8} [^ ]'; do
    if [ "$(now_ms)" -gt $deadline ]; then echo "no task row within 60 s" >&2; tmux capture-pane -p -t "$SESSION" >&2; exit 1; fi
    sleep 0.005
  done
  local t1; t1=$(now_ms)
  echo $((t1 - $(cat "$DIR/t0")))
  # Peak and settled resident memory, after the snapshot is in and a
  # few seconds have passed.
  sleep 5
  local pid; pid=$(tmux display -p -t "$SESSION" '#{pane_pid}')
  awk '/VmHWM|VmRSS/ { printf "%s %d ", $1, $2/1024 }' "/proc/$pid/status" >"$DIR/mem"
  tmux kill-session -t "$SESSION"
}

startup() {
  local active=$1
  # About half of the backlog's tasks are still active when it has been
  # replayed; nothing new is made, so the count holds while measured.
  start_sim --backlog $((active * 21 / 10)) --rate 0 --max-tasks $((active * 3)) --seed 1
  local f; f=$(fetch)
  set -- $f
  local fetches="" rows=""
  for _ in $(seq "$RUNS"); do
    fetches+="$(fetch | cut -d' ' -f1 | awk '{printf "%.0f ", $1*1000}')"
    rows+="$(first_row) "
  done
  printf 'start-up  %6d active tasks (%4.1f MB): first row %s ms; curl fetch alone %s ms; memory (MB) %s\n' \
    "$3" "$(echo "$2" | awk '{print $1/1e6}')" "$(echo $rows | tr ' ' '/')" "$(echo $fetches | tr ' ' '/')" "$(cat "$DIR/mem")"
  stop_sim
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# idle rate label: the dashboard's CPU with the simulator making tasks at
# rate a second (each makes about five events).
idle() {
  local rate=$1 label=$2
  start_sim --backlog 100 --rate "$rate" --time-scale 10 --max-tasks 2000 --seed 1
  dashboard "cpu-$rate"
  sleep 10 # start-up and the backlog settle
  local pid; pid=$(tmux display -p -t "$SESSION" '#{pane_pid}')
  timeout "$SECS" curl -sN -H "Authorization: Bearer $KEY" -H 'Accept: text/event-stream' "$URL/events" >"$DIR/events" 2>/dev/null &
  local counter=$!
  local c0 t0 c1 t1
  c0=$(cpu_ticks "$pid"); t0=$(now_ms)
  sleep "$SECS"
  c1=$(cpu_ticks "$pid"); t1=$(now_ms)
  wait $counter 2>/dev/null || true
  local events; events=$(grep -c '^event:' "$DIR/events" || true)
  awk -v c=$((c1 - c0)) -v hz="$HZ" -v ms=$((t1 - t0)) -v ev="$events" -v l="$label" \
    'BEGIN { printf "CPU       %-22s %6.1f events/s: %5.2f%% of a core (%.2f CPU s over %.0f s)\n", l, ev/(ms/1000), 100*c/hz/(ms/1000), c/hz, ms/1000 }'
  tmux kill-session -t "$SESSION"
  # The profile is written as the dashboard ends (SIGHUP from tmux).
  if [ -n "${PROFILE:-}" ]; then while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; fi
  stop_sim
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
parts=${*:-startup cpu}
case " $parts " in *" startup "*) startup 100; startup 20000 ;; esac
case " $parts " in *" cpu "*|*" cpu0 "*) idle 0 "nothing changing" ;; esac
case " $parts " in *" cpu "*|*" cpu10 "*) idle 1.4 "about 10 events/s" ;; esac
case " $parts " in *" cpu "*|*" cpu1000 "*) idle 130 "about 1,000 events/s" ;; esac
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
