#!/usr/bin/env bash
# Takes docs/screenshots/tray-menu.png: the real (debug) binary in a real tray host, Debian's
# gtk-sni-tray-standalone with status-notifier-watcher, on its own Xvfb display and private
# session bus, calibrated on the fixture video's first frame and watching that video.
# Needs: bash scripts/setup.sh --test, and a built target/debug/plumbline (cargo build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/debug/plumbline"
OUT="$ROOT/docs/screenshots/tray-menu.png"
WORK="$(mktemp -d)"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

export DISPLAY=:93 HOME="$WORK/home"
Xvfb "$DISPLAY" -screen 0 1024x640x24 >/dev/null 2>&1 & pids+=($!)
sleep 1
export DBUS_SESSION_BUS_ADDRESS="$(dbus-daemon --session --fork --print-address=1 --print-pid=3 3>"$WORK/bus.pid")"
pids+=("$(cat "$WORK/bus.pid")")
mkdir -p "$HOME/.config/plumbline"
touch "$HOME/.config/plumbline/disclaimer-seen"
ffmpeg -v error -y -i "$ROOT/tests/fixtures/carphone_640x480.mp4" -frames:v 1 "$WORK/first.png"
"$BIN" calibrate "$WORK/first.png" --out "$HOME/.config/plumbline/baseline.json" >/dev/null
ffmpeg -v error -y -stream_loop 20 -i "$ROOT/tests/fixtures/carphone_640x480.mp4" -c copy "$WORK/looped.mp4"

status-notifier-watcher >/dev/null 2>&1 & pids+=($!)
sleep 1
gtk-sni-tray-standalone --top --end -s 32 -c "#2b3a4a" >/dev/null 2>&1 & pids+=($!)
sleep 2
"$BIN" --hidden --source "$WORK/looped.mp4" >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 1 60); do
    if "$BIN" status 2>/dev/null | grep -q '^Upright'; then break; fi
    sleep 1
done
"$BIN" status
# The icon is the last one in the bar; right click opens its menu, then hover an entry.
xdotool mousemove 1005 16 click 3
sleep 1
xdotool mousemove 900 100
sleep 1.5
import -window root "$WORK/full.png"
convert "$WORK/full.png" -crop 420x290+604+0 +repage "$OUT"
echo "wrote $OUT"
