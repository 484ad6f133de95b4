#!/usr/bin/env bash
# Installs plumbline so it starts from the desktop's app menu, with the source tree gone:
#   bash scripts/install.sh                      # into ~/.local (builds the release binary if needed)
#   bash scripts/install.sh --prefix /opt/plumbline
#   bash scripts/install.sh --binary PATH        # install this binary instead of building one
#   bash scripts/install.sh --uninstall          # remove exactly what was installed; keeps the history
#   bash scripts/install.sh --uninstall --purge  # also the history, settings, baseline and log
#
# Layout (the binary finds its files relative to itself, see src/layout.rs):
#   PREFIX/bin/plumbline
#   PREFIX/lib/plumbline/libonnxruntime.so*          ONNX Runtime, from PyPI's onnxruntime wheel
#   PREFIX/share/plumbline/models/*.onnx             the pose and face models
#   PREFIX/share/applications/plumbline.desktop      the launcher
#   PREFIX/share/icons/hicolor/*/apps/plumbline.*    the icon, SVG and PNG sizes
#   PREFIX/share/plumbline/install-manifest          every file above and the folders made, for --uninstall
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORT_VERSION=1.31.1

prefix="$HOME/.local"
binary=""
uninstall=0
purge=0
while (( $# )); do
    case "$1" in
        --prefix) prefix="${2:?install.sh: --prefix needs a folder}"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --binary) binary="${2:?install.sh: --binary needs the path of a plumbline binary}"; shift 2 ;;
        --binary=*) binary="${1#--binary=}"; shift ;;
        --uninstall) uninstall=1; shift ;;
        --purge) purge=1; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
if (( purge && ! uninstall )); then
    echo "install.sh: --purge goes with --uninstall" >&2
    exit 2
fi
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
manifest="$prefix/share/plumbline/install-manifest"

say() { printf '>> %s\n' "$*" >&2; }

# The user's own files, where the app keeps them (the `directories` crate's XDG folders).
user_files() {
    local data="${XDG_DATA_HOME:-$HOME/.local/share}/plumbline"
    local config="${XDG_CONFIG_HOME:-$HOME/.config}/plumbline"
    local state="${XDG_STATE_HOME:-$HOME/.local/state}/plumbline"
    printf '%s\n' "$data/history.sqlite" "$data/history.sqlite-wal" "$data/history.sqlite-shm" \
        "$config" "$state"
}

# The login autostart entry the app writes when "Start at login" is on, if it starts this binary.
autostart_entry() {
    local entry="${XDG_CONFIG_HOME:-$HOME/.config}/autostart/plumbline.desktop"
    if [[ -f "$entry" ]] && grep -qF "$prefix/bin/plumbline" "$entry"; then
        printf '%s\n' "$entry"
    fi
}

if (( uninstall )); then
    if [[ ! -f "$manifest" ]]; then
        echo "install.sh: nothing to uninstall in $prefix (no $manifest)." >&2
        exit 1
    fi
    removed=0
    folders=()
    while IFS= read -r file; do
        [[ -z "$file" ]] && continue
        if [[ "$file" == "folder "* ]]; then
            folders=("${file#folder }" "${folders[@]}")
            continue
        fi
        case "$file" in
            "$prefix"/*) ;;
            *) echo "install.sh: $manifest lists $file, outside $prefix; left alone." >&2; continue ;;
        esac
        if [[ -e "$file" || -L "$file" ]]; then
            rm -f -- "$file"
            removed=$((removed + 1))
        fi
    done < "$manifest"
    rm -f -- "$manifest"
    # The folders the install created, innermost first, when nothing else is left in them (with
    # the default prefix, PREFIX/share/plumbline also holds the history).
    for folder in "${folders[@]}"; do
        case "$folder" in "$prefix"/*) rmdir -- "$folder" 2>/dev/null || true ;; esac
    done
    entry="$(autostart_entry)"
    if [[ -n "$entry" ]]; then
        rm -f -- "$entry"
        say "removed the login autostart entry $entry"
    fi
    say "removed $removed files of plumbline from $prefix"
    if (( purge )); then
        while IFS= read -r file; do
            if [[ -e "$file" ]]; then rm -rf -- "$file"; say "removed $file"; fi
        done < <(user_files)
        rmdir -- "${XDG_DATA_HOME:-$HOME/.local/share}/plumbline" 2>/dev/null || true
    else
        say "kept your history and settings ($(user_files | sed -n '1p;4p' | paste -sd' ')); --uninstall --purge removes them"
    fi
    exit 0
fi

# --- install ----------------------------------------------------------------------------------
if [[ -z "$binary" ]]; then
    bash "$ROOT/scripts/setup.sh"
    say "building the release binary (cargo build --release --locked)"
    (cd "$ROOT" && cargo build --release --locked --quiet)
    binary="$ROOT/target/release/plumbline"
fi
if [[ ! -x "$binary" ]]; then
    echo "install.sh: $binary is not an executable plumbline binary." >&2
    exit 1
fi
ort_lib="$ROOT/.local/onnxruntime/libonnxruntime.so.$ORT_VERSION"
if [[ ! -s "$ort_lib" ]]; then
    bash "$ROOT/scripts/setup.sh"
fi

installed=()
created=()
# The folders above TARGET that do not exist yet, outermost first, so --uninstall removes only them.
note_new_folders() {
    local folder missing=()
    folder="$(dirname "$1")"
    while [[ "$folder" != "$prefix" && "$folder" != / && ! -d "$folder" ]]; do
        missing=("$folder" "${missing[@]}")
        folder="$(dirname "$folder")"
    done
    created+=("${missing[@]}")
}
put() { # put MODE SOURCE TARGET
    note_new_folders "$3"
    install -D -m "$1" -- "$2" "$3"
    installed+=("$3")
}

put 755 "$binary" "$prefix/bin/plumbline"
put 644 "$ort_lib" "$prefix/lib/plumbline/libonnxruntime.so.$ORT_VERSION"
ln -sfn "libonnxruntime.so.$ORT_VERSION" "$prefix/lib/plumbline/libonnxruntime.so"
installed+=("$prefix/lib/plumbline/libonnxruntime.so")
for model in "$ROOT"/models/*.onnx; do
    put 644 "$model" "$prefix/share/plumbline/models/$(basename "$model")"
done
put 644 "$ROOT/assets/icons/plumbline.svg" "$prefix/share/icons/hicolor/scalable/apps/plumbline.svg"
for size in 48 64 128 256; do
    put 644 "$ROOT/assets/icons/plumbline-$size.png" \
        "$prefix/share/icons/hicolor/${size}x${size}/apps/plumbline.png"
done

# The launcher names the binary by its full path: PREFIX/bin need not be on PATH.
exec_path="$prefix/bin/plumbline"
if [[ "$exec_path" == *[[:space:]\"\'\\\`\$]* ]]; then
    exec_path="\"$(printf '%s' "$exec_path" | sed 's/[\\"`$]/\\\\&/g')\""
fi
launcher="$(mktemp)"
# The committed launcher (also the .deb's), with the binary named by its full path.
for_sed() { printf '%s' "$1" | sed 's/[&|\\]/\\&/g'; }
sed -e "s|^Exec=plumbline$|Exec=$(for_sed "$exec_path")|" \
    -e "s|^TryExec=plumbline$|TryExec=$(for_sed "$prefix/bin/plumbline")|" \
    "$ROOT/assets/plumbline.desktop" > "$launcher"
put 644 "$launcher" "$prefix/share/applications/plumbline.desktop"
rm -f -- "$launcher"

# The manifest: installed files, then "folder " lines for the folders the install created.
mkdir -p "$(dirname "$manifest")"
{
    printf '%s\n' "${installed[@]}"
    if (( ${#created[@]} )); then printf 'folder %s\n' "${created[@]}"; fi
} > "$manifest"

# No update-desktop-database: the launcher declares no MIME types, so no cache needs it.
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [[ -f "$prefix/share/icons/hicolor/index.theme" ]]; then
    gtk-update-icon-cache -q "$prefix/share/icons/hicolor" 2>/dev/null || true
fi

say "installed plumbline into $prefix (${#installed[@]} files, listed in $manifest)"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) say "$prefix/bin is not on your PATH: start plumbline from the app menu or as $prefix/bin/plumbline" ;;
esac
