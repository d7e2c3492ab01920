#!/usr/bin/env bash
# Prepares a Linux machine to build and run Microsoft.ML.Transformer.
#
# TorchSharp 0.107's native library (libLibTorchSharp.so) needs GLIBCXX_3.4.32, i.e. the C++ runtime of GCC 13.
# Debian 12 ships GCC 12's. On Debian 12 this script installs libstdc++6 from Debian 13 (trixie), pinned low so
# that nothing else moves to trixie unasked. The mirror is taken from the machine's own apt configuration.
# Idempotent: it does nothing where the runtime is already new enough. Run it as root or as a user with sudo: it asks
# sudo for root only when it has something to install (a root container without sudo needs none).
set -euo pipefail

# "--install" is this script run again through sudo for the part that needs root; sudo may reset PATH, so that run
# does not look for dotnet.
installing_as_root=false
[ "${1:-}" = --install ] && installing_as_root=true

need=GLIBCXX_3.4.32
say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

$installing_as_root || command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (10.0 or later) is not on PATH; install it first."

# --- Python mirror (python/, issue 19) -------------------------------------------------------------------------------
# Only when asked (--python, as .ci/run passes, or MLNET_TRANSFORMER_PYTHON_TESTS=1): a plain run stays quick.
if [ "${1:-}" = --python ] || [ "${MLNET_TRANSFORMER_PYTHON_TESTS:-0}" = 1 ]; then
  bash "$(dirname "$0")/setup-python.sh" || die "preparing Python with PyTorch for the Python tests failed."
fi
# --- end of the Python mirror section --------------------------------------------------------------------------------

case "$(uname -s)" in
  Linux) ;;
  *) say "$(uname -s): nothing to prepare (TorchSharp's native packages carry what they need)."; exit 0 ;;
esac

find_libstdcxx() {
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}'
}
has_runtime() {
  local lib; lib=$(find_libstdcxx)
  [ -z "$lib" ] && lib=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
  [ -f "$lib" ] && grep -aq "$need" "$lib"
}

if has_runtime; then
  say "C++ runtime already provides $need: nothing to do."
  exit 0
fi

. /etc/os-release 2>/dev/null || die "cannot read /etc/os-release; install a libstdc++ that provides $need (GCC 13 or later) by hand."
if [ "${ID:-}" != debian ] || [ "${VERSION_ID:-}" != 12 ]; then
  die "${PRETTY_NAME:-this system} lacks $need in libstdc++ and is not Debian 12, which this script knows how to fix. Install GCC 13's libstdc++ (or newer) with your package manager."
fi
if [ "$(id -u)" != 0 ]; then
  $installing_as_root && die "sudo did not make this script root."
  command -v sudo >/dev/null 2>&1 || die "Debian 12 needs libstdc++6 from Debian 13 for TorchSharp, which takes root to install, and sudo is not available: run this script as root."
  say "installing libstdc++6 needs root: asking sudo"
  exec sudo bash "$(readlink -f "$0")" --install
fi

# The mirror this machine already uses for Debian, so that no address is written here.
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -z "$mirror" ] && mirror=$(awk '$1=="deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list."

say "adding Debian 13 (trixie) from $mirror, pinned low, for libstdc++6 only"
cat > /etc/apt/sources.list.d/mlnet-transformer-trixie.sources <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
cat > /etc/apt/preferences.d/mlnet-transformer-trixie <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || die "apt-get update failed."
apt-get install -y -qq -t trixie libstdc++6 >/dev/null || die "installing libstdc++6 from trixie failed."

has_runtime || die "libstdc++6 was installed but still lacks $need."
say "C++ runtime now provides $need."
