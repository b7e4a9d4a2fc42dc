#!/usr/bin/env bash
# make-capture.sh - record the benchmark capture bench/data/base.pcap.
#
# A Mosquitto broker, several paho publishers (bench/pub.py: QoS 0/1/2, JSON
# payloads from ~50 B to 8 KB, MQTT 3.1.1 and 5) and mosquitto_sub subscribers
# with wildcard subscriptions run in network namespaces created here, joined by
# a bridge that lives in its own namespace; tcpdump records the bridge. The
# namespaces have no link to the host and no route out: no packet leaves them.
# Everything is removed on exit (also on error / Ctrl-C).
#
# Then bench/scale.js (compiled from bench/scale.ts) makes bench/data/big.pcap
# (10 shifted copies) unless --no-big.
#
# Usage: sudo bash bench/make-capture.sh [--count N] [--pubs N] [--copies N] [--no-big] [OUTDIR]
#   --count N   messages per publisher (default 6000: base.pcap ≈ 27 MB)
#   --pubs N    publishers (default 4)
#   --copies N  copies in big.pcap (default 10)
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$BENCH_DIR/.." && pwd)"
COUNT=6000; PUBS=4; COPIES=10; BIG=1; OUT_DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --count) COUNT="$2"; shift 2 ;;
    --pubs) PUBS="$2"; shift 2 ;;
    --copies) COPIES="$2"; shift 2 ;;
    --no-big) BIG=0; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "unknown option: $1" >&2; exit 2 ;;
    *) OUT_DIR="$1"; shift ;;
  esac
done
OUT_DIR="${OUT_DIR:-$BENCH_DIR/data}"
LAB_NAME=make-capture
# shellcheck source=bench/lab-lib.sh
source "$BENCH_DIR/lab-lib.sh"
lab_require_root
lab_require_tools ip tcpdump mosquitto mosquitto_sub timeout
lab_python

mkdir -p "$OUT_DIR"; OUT_DIR="$(cd "$OUT_DIR" && pwd)"
lab_start bench

# ---- lab: bridge namespace + broker / pub / sub hosts on 10.231.0.0/24
lab_bridge mpb 10.231.0

cat >"$WORK/mosquitto.conf" <<CONF
per_listener_settings false
allow_anonymous true
persistence false
log_dest stderr
log_type error
log_type warning
max_inflight_messages 100
max_queued_messages 100000
listener 1883
CONF
lab_broker "$WORK/mosquitto.conf" 1883

# ---- capture on the bridge. -U --immediate-mode and a big buffer: no drops.
TMP="$OUT_DIR/.base.pcap.tmp"
lab_tcpdump "$NS_BR" br0 "$TMP" 262144 tcp port 1883

# ---- subscribers: wildcard subscriptions, QoS 0/1/2, MQTT 3.1.1 and 5
SUB_PIDS=()
start_sub() { local log="$WORK/sub.$1.log"; shift
  ip netns exec "$NS_SUB" mosquitto_sub -h "$BROKER" "$@" >/dev/null 2>"$log" &
  SUB_PIDS+=($!); BG_PIDS+=($!); }
start_sub all-q0 -i bench-sub-all-q0 -t 'bench/#' -q 0
start_sub all-q1 -i bench-sub-all-q1 -t 'bench/#' -q 1 -V mqttv5 -c
start_sub temp-q2 -i bench-sub-temp-q2 -t 'bench/+/temp' -t 'bench/+/status' -q 2
sleep 1

# ---- publishers
log "recording: $PUBS publishers x $COUNT messages"
PUB_PIDS=()
for i in $(seq 1 "$PUBS"); do
  extra=(); [ $((i % 2)) -eq 0 ] && extra=(--mqtt5)
  ip netns exec "$NS_PUB" "$PY" "$BENCH_DIR/pub.py" --host "$BROKER" --name "pub$i" --count "$COUNT" --seed "$i" "${extra[@]}" 2>>"$WORK/pub.log" &
  PUB_PIDS+=($!); BG_PIDS+=($!)
done
rc=0; for pid in "${PUB_PIDS[@]}"; do wait "$pid" || rc=1; done
cat "$WORK/pub.log" >&2
[ $rc -eq 0 ] || { log "a publisher failed"; exit 1; }
sleep 2   # let the subscribers drain
for pid in "${SUB_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
sleep 1
drops=0; lab_tcpdump_stop || drops=1
kill -TERM "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true
if [ $drops -eq 1 ]; then
  log "WARNING: tcpdump reported kernel drops (the capture has holes; rerun with a lower --count or on a quieter machine)"
fi
chmod 644 "$TMP"; mv -f "$TMP" "$OUT_DIR/base.pcap"
log "wrote $OUT_DIR/base.pcap ($(du -h "$OUT_DIR/base.pcap" | cut -f1))"

if [ "$BIG" = 1 ]; then
  SCALE="$ROOT_DIR/dist/bench/scale.js"
  if [ ! -f "$SCALE" ]; then (cd "$ROOT_DIR" && npx tsc -p tsconfig.json) || true; fi
  if [ -f "$SCALE" ]; then
    node "$SCALE" "$OUT_DIR/base.pcap" "$OUT_DIR/big.pcap" --copies "$COPIES"
  else
    log "dist/bench/scale.js missing (build failed?): run 'npx tsc -p tsconfig.json && node dist/bench/scale.js $OUT_DIR/base.pcap $OUT_DIR/big.pcap --copies $COPIES'"
  fi
fi
