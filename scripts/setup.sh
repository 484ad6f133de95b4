#!/usr/bin/env bash
# Installs what plumbline needs on Debian 12, idempotently and quickly when already done:
#   bash scripts/setup.sh          # to build and run the app
#   bash scripts/setup.sh --test   # also what the test suite needs (Xvfb, screenshots)
#
# 1. Debian packages (only the missing ones; `apt-get update` only when something is missing).
# 2. ONNX Runtime 1.31.1: the shared library from PyPI's `onnxruntime` wheel, unpacked into the
#    project-local folder .local/onnxruntime/ where plumbline looks for it at run time.
# No other download: the models are committed under models/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

want_test=0
for arg in "$@"; do
    case "$arg" in
        --test) want_test=1 ;;
        *) echo "setup.sh: unknown option $arg (use --test)" >&2; exit 2 ;;
    esac
done

say() { printf '>> %s\n' "$*" >&2; }

# --- 1. Debian packages -----------------------------------------------------------------------
# Build: a C toolchain, pkg-config, libclang (bindgen for the camera and FFmpeg bindings), nasm
# (faster JPEG), fontconfig (egui), FFmpeg's libraries (video decoding), Python's venv + pip
# (to fetch the ONNX Runtime wheel). Run: OpenGL/EGL and X11/Wayland client libraries.
packages=(
    build-essential pkg-config libclang-dev clang nasm libfontconfig-dev
    libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
    libavfilter-dev libavdevice-dev
    python3 python3-pip python3-venv
    libgl1 libegl1 libgl1-mesa-dri libx11-xcb1 libxcursor1 libxrandr2 libxi6
    libxkbcommon-x11-0 libwayland-client0 libwayland-egl1
)
if (( want_test )); then
    # Tests: a virtual display for the GUI tests, screenshots and clicks, and the ffmpeg CLI
    # for the decoder tests' independent reference.
    packages+=(xvfb xauth imagemagick xdotool ffmpeg mesa-vulkan-drivers libvulkan1 dbus-daemon faketime)
    # The tray tests: a real StatusNotifierWatcher and a tray host that draws the menu.
    packages+=(haskell-status-notifier-item-utils haskell-gtk-sni-tray-utils)
    # The install test: the desktop's own launcher validator; the notification test: a real
    # notification server.
    packages+=(desktop-file-utils dunst)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if (( ${#missing[@]} )); then
    say "installing Debian packages: ${missing[*]}"
    sudo_cmd=()
    if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. Rust ----------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
    echo "setup.sh: cargo was not found. Install Rust 1.95 or newer (https://rustup.rs) and run this again." >&2
    exit 1
fi

# --- 3. ONNX Runtime --------------------------------------------------------------------------
ORT_VERSION=1.31.1
ORT_DIR="$ROOT/.local/onnxruntime"
ORT_LIB="$ORT_DIR/libonnxruntime.so.$ORT_VERSION"
if [[ ! -s "$ORT_LIB" ]]; then
    say "installing ONNX Runtime $ORT_VERSION from PyPI's onnxruntime wheel into $ORT_DIR"
    download="$(mktemp -d)"
    trap 'rm -rf "$download"' EXIT
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
        --dest "$download" "onnxruntime==$ORT_VERSION"
    wheel="$(ls "$download"/onnxruntime-*.whl)"
    mkdir -p "$ORT_DIR"
    python3 - "$wheel" "$ORT_DIR" "$ORT_VERSION" <<'PY'
import sys, zipfile, pathlib
wheel, target, version = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
name = f"onnxruntime/capi/libonnxruntime.so.{version}"
with zipfile.ZipFile(wheel) as archive:
    data = archive.read(name)
partial = target / (pathlib.Path(name).name + ".partial")
partial.write_bytes(data)
partial.rename(target / pathlib.Path(name).name)
PY
    ln -sf "libonnxruntime.so.$ORT_VERSION" "$ORT_DIR/libonnxruntime.so"
fi
