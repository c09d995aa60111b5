#!/usr/bin/env bash
# A private PulseAudio server with a virtual microphone and a system-audio source, so that
# the recorder can be tested (and benchmarked) on a machine without a sound card.
#
#   tools/pulse-rig.sh start DIR    start the server; prints the environment to use
#   tools/pulse-rig.sh stop DIR     stop it (by the PID it saved) and remove DIR/run
#
# After `start`, `source DIR/env` points clients (sounddevice via ALSA, paplay, pactl) at it:
#   ALSA device `virtmic`  the virtual microphone; feed it with `paplay -d mic_feed FILE`
#   ALSA device `sysaudio` the other side of a call; feed it with `paplay -d sysaudio FILE`
#   ALSA `room`            a second monitor source, fed with `paplay -d room FILE`: a mic
#                          stand-in whose clock keeps time exactly (the virtual mic delivers
#                          ~0.1 % fewer frames than wall-clock time while it is fed)
#   ALSA `default`         the server's default source = virtmic
# Facts behind the choices: ../shared/recorder-test-rig.md (null source + virtual source as a
# clocked mic; a keeper loopback so the monitor delivers from its first second).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

stop() {
  if [ -f "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/pid"
  fi
}

case "$cmd" in
stop)
  stop
  exit 0
  ;;
start) ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac

for tool in pulseaudio pactl paplay parec; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (install pulseaudio pulseaudio-utils)" >&2; exit 3; }
done
[ -e /usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so ] ||
  ls /usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so >/dev/null 2>&1 ||
  { echo "missing: the ALSA pulse plugin (install libasound2-plugins)" >&2; exit 3; }

stop
mkdir -p "$dir/home" "$dir/runtime/pulse"
chmod 700 "$dir" "$dir/runtime" "$dir/runtime/pulse"
dir=$(cd "$dir" && pwd)
sock="$dir/runtime/pulse/native"

cat >"$dir/asound.conf" <<EOF
pcm.virtmic { type pulse; device virtmic; hint { show on; description "Virtual microphone (listenwell rig)" } }
pcm.sysaudio { type pulse; device sysaudio.monitor; hint { show on; description "System audio (listenwell rig)" } }
pcm.room { type pulse; device room.monitor; hint { show on; description "Room (listenwell rig)" } }
EOF

cat >"$dir/env" <<EOF
export XDG_RUNTIME_DIR="$dir/runtime"
export PULSE_SERVER="unix:$sock"
export PULSE_COOKIE="$dir/cookie"
export ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$dir/asound.conf"
EOF
# shellcheck disable=SC1091
. "$dir/env"

# The daemon gets its own HOME so that it writes no cookie or state into the user's home.
HOME="$dir/home" XDG_CONFIG_HOME="$dir/home" \
  pulseaudio --daemonize=no -n --exit-idle-time=-1 --use-pid-file=no --disable-shm=yes \
  --log-target=file:"$dir/pulse.log" \
  -L "module-native-protocol-unix auth-anonymous=1 auth-cookie-enabled=0 socket=$sock" \
  -L "module-null-source source_name=mic_clock" \
  -L "module-virtual-source source_name=virtmic master=mic_clock uplink_sink=mic_feed" \
  -L "module-null-sink sink_name=sysaudio" \
  -L "module-null-sink sink_name=keeper" \
  -L "module-loopback source=sysaudio.monitor sink=keeper latency_msec=20" \
  -L "module-null-sink sink_name=room" \
  -L "module-loopback source=room.monitor sink=keeper latency_msec=20" \
  </dev/null >/dev/null 2>&1 &
pid=$!
echo "$pid" >"$dir/pid"

# Ready when *our* server answers (a stale server on another socket must not fool us).
for _ in $(seq 100); do
  kill -0 "$pid" 2>/dev/null || { echo "pulseaudio exited; see $dir/pulse.log" >&2; exit 1; }
  pactl info >/dev/null 2>&1 && break
  sleep 0.05
done
pactl info >/dev/null 2>&1 || { stop; echo "pulseaudio did not answer; see $dir/pulse.log" >&2; exit 1; }
pactl set-default-source virtmic
pactl set-default-sink sysaudio

# The null sink renders 2 s blocks until a low-latency client is attached: wait until the
# monitor delivers, else the first seconds of system audio are lost.
for m in sysaudio room; do
  timeout 5 parec --latency-msec=20 -d $m.monitor --raw 2>/dev/null | head -c 3200 >/dev/null || true
done

echo "pulse rig up (pid $pid); source $dir/env"
