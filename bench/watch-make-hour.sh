#!/usr/bin/env bash
# watch-make-hour.sh - record the live view's memory benchmark capture: an hour of MQTT traffic.
#
# One minute of real traffic is recorded in a namespace lab (a bridge in its own namespace, Mosquitto, PUBS paho
# publishers bench/pub.py at RATE messages/s each to bench/<name>/<sensor>, two mosquitto_sub subscribers on
# bench/#), then bench/scale.js lays COPIES shifted copies end to end (new addresses and ports in every copy, so
# clients come and go): 60 copies of a 60 s recording are an hour. Smaller files (--copies) give the figures for
# shorter spans. The namespaces have no link to the host; everything is removed on exit.
#
# Usage: sudo bash bench/watch-make-hour.sh [--seconds S] [--pubs N] [--rate R] [OUTDIR]
#   writes OUTDIR/watch-base.pcap (default OUTDIR: bench/data)
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SECONDS_=59; PUBS=10; RATE=3; OUT_DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_="$2"; shift 2 ;;
    --pubs) PUBS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "unknown option: $1" >&2; exit 2 ;;
    *) OUT_DIR="$1"; shift ;;
  esac
done
OUT_DIR="${OUT_DIR:-$BENCH_DIR/data}"
LAB_NAME=watch-make-hour
# shellcheck source=bench/lab-lib.sh
source "$BENCH_DIR/lab-lib.sh"
lab_require_root
lab_require_tools ip tcpdump mosquitto mosquitto_sub
lab_python
mkdir -p "$OUT_DIR"; OUT_DIR="$(cd "$OUT_DIR" && pwd)"
lab_start watch-bench
lab_bridge mpwb 10.233.0

printf 'per_listener_settings false\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\nlistener 1883\n' >"$WORK/mosquitto.conf"
lab_broker "$WORK/mosquitto.conf" 1883

TMP="$OUT_DIR/.watch-base.pcap.tmp"
lab_tcpdump "$NS_BR" br0 "$TMP" 65536 tcp port 1883

ip netns exec "$NS_SUB" mosquitto_sub -h "$BROKER" -i watch-sub-q0 -t 'bench/#' -q 0 >/dev/null 2>&1 & BG_PIDS+=($!)
ip netns exec "$NS_SUB" mosquitto_sub -h "$BROKER" -i watch-sub-q1 -t 'bench/+/temp' -q 1 -V mqttv5 >/dev/null 2>&1 & BG_PIDS+=($!)
sleep 1
COUNT=$(( (SECONDS_ - 3) * ${RATE%.*} ))
log "recording: $PUBS publishers x $COUNT messages at $RATE/s"
PUB_PIDS=()
for i in $(seq 1 "$PUBS"); do
  extra=(); [ $((i % 2)) -eq 0 ] && extra=(--mqtt5)
  ip netns exec "$NS_PUB" "$PY" "$BENCH_DIR/pub.py" --host "$BROKER" --name "watch$i" --count "$COUNT" --rate "$RATE" --seed "$i" "${extra[@]}" 2>>"$WORK/pub.log" &
  PUB_PIDS+=($!); BG_PIDS+=($!)
done
for pid in "${PUB_PIDS[@]}"; do wait "$pid"; done
sleep 1
lab_tcpdump_stop || log "WARNING: tcpdump reported kernel drops"
chmod 644 "$TMP"; mv -f "$TMP" "$OUT_DIR/watch-base.pcap"
log "wrote $OUT_DIR/watch-base.pcap ($(du -h "$OUT_DIR/watch-base.pcap" | cut -f1))"
