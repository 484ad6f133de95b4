#!/usr/bin/env bash
# Draws plumbline's application icon: assets/icons/plumbline.svg and the PNG sizes the desktop
# menus use (48, 64, 128, 256 px), from the same shapes. Needs ImageMagick (`convert`); the
# results are committed, so installing never needs it. Run: bash scripts/make_icons.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/assets/icons"
mkdir -p "$OUT"

# A plumb line over a dark tile: the hanger, the line, and the bob in the tray's upright green.
TILE='#2b3a4a'; LINE='#f4f6f8'; BOB='#3fb97a'
cat > "$OUT/plumbline.svg" <<SVG
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>plumbline</title>
  <rect x="16" y="16" width="224" height="224" rx="48" fill="$TILE"/>
  <rect x="84" y="42" width="88" height="14" rx="7" fill="$LINE"/>
  <rect x="123" y="50" width="10" height="100" fill="$LINE"/>
  <path d="M 100 170 A 28 28 0 0 1 156 170 L 128 218 Z" fill="$BOB"/>
</svg>
SVG

for size in 48 64 128 256; do
    # Drawn at 256 with 4x supersampling, then scaled down.
    convert -size 1024x1024 xc:none \
        -fill "$TILE" -draw "roundrectangle 64,64 959,959 192,192" \
        -fill "$LINE" -draw "roundrectangle 336,168 687,223 28,28" \
        -fill "$LINE" -draw "rectangle 492,200 531,599" \
        -fill "$BOB" -draw "path 'M 400 680 A 112 112 0 0 1 624 680 L 512 872 Z'" \
        -resize "${size}x${size}" -strip "PNG32:$OUT/plumbline-$size.png"
done
ls -l "$OUT"
