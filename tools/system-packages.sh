#!/usr/bin/env bash
# Install the Debian/Ubuntu packages listenwell and its tests use, if any are missing.
# Does nothing when they are all there, or (with a warning) where there is no apt or no root.
set -euo pipefail

PACKAGES=(
  libportaudio2 libsndfile1          # sounddevice / soundfile
  pulseaudio pulseaudio-utils libasound2-plugins   # virtual microphone for recorder tests
  espeak-ng sox libsox-fmt-all ffmpeg              # speech and audio fixtures
  chromium                                          # report page tests (headless)
  strace                                            # privacy test: no network connection
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "warning: no apt-get here; install by hand: ${missing[*]}" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "warning: not root and no sudo; install by hand: sudo apt-get install ${missing[*]}" >&2
    exit 0
  fi
fi
echo "installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
