#!/usr/bin/env bash
# Makes the README's screenshots from real runs of aspect-tui: each scene
# runs the real binary in a detached tmux window of a fixed size, drives it
# with keys, captures the screen with its colours (tmux capture-pane -e)
# and renders that with freeze (github.com/charmbracelet/freeze) and
# rsvg-convert. Nothing is drawn by hand; run it again whenever the UI
# changes:
#
#     screenshots/make.sh            # all scenes
#     screenshots/make.sh help task  # some of them
#
# It needs, besides Go: tmux, rsvg-convert (Debian: apt-get install tmux
# librsvg2-bin) and the DejaVu Sans Mono font (fonts-dejavu-core), which has
# every glyph the app draws. freeze is installed from the Go module proxy
# into a cache folder if it is not on PATH. No network beyond the module
# proxy: the app runs on its embedded simulator.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cols=160
rows=45
seed=7
sock="aspect-shots-$$"
work=$(mktemp -d)

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "screenshots: $1 is missing; $2" >&2; exit 1; }
}
need go "install Go 1.26 or newer"
need tmux "install it (Debian: apt-get install tmux)"
need curl "install it (Debian: apt-get install curl)"
need rsvg-convert "install it (Debian: apt-get install librsvg2-bin); without it freeze's own font lacks glyphs the app uses"
fc-list 2>/dev/null | grep -q "DejaVu Sans Mono" || echo "screenshots: DejaVu Sans Mono not found (Debian: fonts-dejavu-core); glyphs may render as boxes" >&2

freeze=$(command -v freeze || true)
if [ -z "$freeze" ]; then
  export GOBIN="${XDG_CACHE_HOME:-$HOME/.cache}/aspect-tui/bin"
  [ -x "$GOBIN/freeze" ] || go install github.com/charmbracelet/freeze@v0.2.2
  freeze="$GOBIN/freeze"
fi

bin="$work/aspect-tui"
(cd "$root" && go build -o "$bin" .)

cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null || true
  [ -n "${rsim_pid:-}" ] && kill "$rsim_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME CMD...: a detached window of the fixed size running CMD, with a
# private config so the user's own colours and keys stay out of it.
start() {
  local name=$1; shift
  tmux -L "$sock" new-session -d -s "$name" -x "$cols" -y "$rows" \
    "env XDG_CONFIG_HOME=$work/config TERM=xterm-256color COLORTERM=truecolor $*"
}

keys() { tmux -L "$sock" send-keys -t "$1" "${@:2}"; sleep 0.6; }

# wait_for NAME TEXT [SECONDS]: until the screen shows TEXT.
wait_for() {
  local deadline=$((SECONDS + ${3:-30}))
  until tmux -L "$sock" capture-pane -p -t "$1" | grep -qF -- "$2"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "screenshots: $1 never showed \"$2\"; the screen was:" >&2
      tmux -L "$sock" capture-pane -p -t "$1" >&2
      exit 1
    fi
    sleep 0.3
  done
}

# shoot NAME FILE: the screen as it is now, to screenshots/FILE.png.
shoot() {
  local ansi="$work/$2.ansi"
  tmux -L "$sock" capture-pane -e -p -t "$1" >"$ansi"
  # freeze does not reset the background on SGR 49 (default background);
  # spell the default out as the background it draws on.
  sed -i 's/\x1b\[49m/\x1b[48;2;30;30;46m/g' "$ansi"
  "$freeze" "$ansi" --language ansi -o "$work/$2.svg" --font.family "DejaVu Sans Mono" \
    --font.size 14 --background "#1e1e2e" --window=false --padding 20 --margin 0 >/dev/null
  rsvg-convert -w 1600 "$work/$2.svg" -o "$here/$2.png"
  echo "screenshots: wrote screenshots/$2.png"
}

want() { [ ${#scenes[@]} -eq 0 ] || [[ " ${scenes[*]} " == *" $1 "* ]]; }
scenes=("$@")

if want dashboard || want deliveries || want attempt || want compare || want secret || want help || want task; then
  start demo "$bin" demo --seed "$seed"
  wait_for demo "● live"
  wait_for demo "still failing"
  wait_for demo ".mp4"   # the assets' names have come
  sleep 6 # let tasks move and failures gather, as a newcomer sees it

  if want dashboard; then shoot demo dashboard; fi

  if want help; then
    keys demo '?'
    wait_for demo "Help"
    shoot demo help
    keys demo Escape
  fi

  if want task; then
    keys demo f        # only tasks with a failed feature
    keys demo Enter
    wait_for demo "Timeline"
    wait_for demo "uploaded"   # the asset's details
    shoot demo task
    keys demo Escape
    keys demo f
  fi

  if want deliveries || want attempt; then
    keys demo Tab
    keys demo Tab      # the deliveries pane
    keys demo z
    wait_for demo "z or esc unzooms"
    if want deliveries; then shoot demo deliveries; fi
    if want attempt; then
      keys demo Enter
      wait_for demo "Request payload"
      shoot demo attempt
      keys demo Escape
    fi
    keys demo Escape
    keys demo Tab      # back to the grid
  fi

  if want compare; then
    keys demo Tab
    keys demo Tab      # the deliveries pane
    keys demo g
    keys demo m        # mark the newest failed attempt
    keys demo j
    keys demo =        # compare the next one with it
    wait_for demo "differences"
    shoot demo compare
    keys demo Escape   # back to the deliveries pane
    keys demo Tab      # back to the grid
  fi

  if want secret; then
    keys demo Tab      # the endpoints pane
    keys demo n
    wait_for demo "New endpoint"
    keys demo "http://127.0.0.1:3000/webhooks/aspect"
    keys demo Enter
    wait_for demo "shown this once"
    shoot demo secret
    keys demo Escape
    keys demo z
    wait_for demo "whsec_••••"
    shoot demo secret-masked
  fi
fi

if want forecast; then
  # Every delivery fails: the retry forecast of a failing message, when
  # Svix gives up, and when it will disable the endpoint; the alert flags
  # the status line.
  # Real time (--time-scale 1): Svix's own minutes and days.
  start forecast "$bin" demo --seed "$seed" --fail-rate 1 --time-scale 1
  wait_for forecast "● live"
  wait_for forecast "still failing"
  sleep 8              # the first retries (after 5 s) come, and fail
  keys forecast Tab
  keys forecast Tab    # the deliveries pane
  keys forecast z
  wait_for forecast "z or esc unzooms"
  keys forecast g      # the newest attempt
  wait_for forecast "of Svix's 8"
  shoot forecast forecast
fi

if want listen; then
  # The simulator delivers to listen, which was given a secret from another
  # endpoint: every delivery is refused, with the reason.
  "$bin" sim --addr 127.0.0.1:0 --time-scale 60 --seed "$seed" >"$work/sim.out" 2>&1 &
  sim_pid=$!
  for _ in $(seq 100); do grep -qo 'http://127.0.0.1:[0-9]*' "$work/sim.out" && break; sleep 0.1; done
  sim_url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/sim.out" | head -1)
  [ -n "$sim_url" ] || { echo "screenshots: the simulator did not start:" >&2; cat "$work/sim.out" >&2; exit 1; }
  start listen "$bin" listen --addr 127.0.0.1:0 --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  wait_for listen "http://127.0.0.1:"
  listen_url=$(tmux -L "$sock" capture-pane -p -t listen | grep -o 'http://127.0.0.1:[0-9]*' | head -1)
  curl -sS -X POST "$sim_url/webhooks/endpoints" -H 'Authorization: Bearer sk_sim_local' \
    -H 'Content-Type: application/json' \
    -d "{\"url\": \"$listen_url/webhooks/aspect\", \"event_types\": [\"task.*\"], \"version\": 1}" >/dev/null
  wait_for listen "signature mismatch" 60
  sleep 3
  shoot listen listen
  keys listen Enter
  wait_for listen "Signature"
  shoot listen listen-detail
fi

if want replay; then
  # Record the dashboard against the simulator (with an echo endpoint that
  # fails some deliveries), then replay the recording and stop at a
  # failure: the position bar shows the clock, the position and the ✗s.
  "$bin" sim --addr 127.0.0.1:0 --time-scale 60 --seed "$seed" --fail-rate 0.3 >"$work/rsim.out" 2>&1 &
  rsim_pid=$!
  for _ in $(seq 100); do grep -qo 'http://127.0.0.1:[0-9]*' "$work/rsim.out" && break; sleep 0.1; done
  rsim_url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/rsim.out" | head -1)
  [ -n "$rsim_url" ] || { echo "screenshots: the simulator did not start:" >&2; cat "$work/rsim.out" >&2; exit 1; }
  start record ASPECT_API_URL="$rsim_url" ASPECT_API_KEY=sk_sim_local XDG_STATE_HOME="$work/state" "$bin" --record "$work/session.sse"
  wait_for record "● live"
  sleep 25
  keys record q
  kill "$rsim_pid"; rsim_pid=
  start replay "$bin" replay --speed 4 "$work/session.sse"
  wait_for replay "event "
  sleep 4
  keys replay '}'    # the next failure: the replay pauses there
  wait_for replay "a task failed here"
  shoot replay replay
fi
