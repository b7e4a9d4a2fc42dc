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
[ "$(id -u)" -eq 0 ] || { echo "watch-make-hour.sh must run as root (network namespaces, tcpdump)" >&2; exit 1; }
for t in ip tcpdump mosquitto mosquitto_sub; do command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }; done
PY=""
for cand in /usr/bin/python3 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import paho.mqtt.client' 2>/dev/null; then PY="$(command -v "$cand")"; break; fi
done
[ -n "$PY" ] || { echo "no python3 with paho-mqtt (apt-get install python3-paho-mqtt)" >&2; exit 1; }
mkdir -p "$OUT_DIR"; OUT_DIR="$(cd "$OUT_DIR" && pwd)"
WORK="$(mktemp -d /tmp/mqtt-pcap-watch-bench.XXXXXX)"; chmod 755 "$WORK"
TAG="$$"; NAMESPACES=(); BG_PIDS=()
log() { printf '[watch-make-hour %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cleanup() {
  local rc=$?; set +e
  for pid in "${BG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done; done
  for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$WORK"; exit "$rc"
}
trap cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
wait_until() { local n=$(($1 * 10)) what="$2" i=0; shift 2
  until "$@" >/dev/null 2>&1; do i=$((i+1)); [ $i -lt $n ] || { log "timed out waiting for $what"; return 1; }; sleep 0.1; done; }
new_ns() { ip netns add "$1"; NAMESPACES+=("$1"); ip -n "$1" link set lo up
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; }

NS_BR="mpwb-br-$TAG"; NS_BROKER="mpwb-broker-$TAG"; NS_PUB="mpwb-pub-$TAG"; NS_SUB="mpwb-sub-$TAG"
new_ns "$NS_BR"
ip -n "$NS_BR" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
ip -n "$NS_BR" link set br0 up
last=2
for h in broker pub sub; do
  case $h in broker) ns=$NS_BROKER ;; pub) ns=$NS_PUB ;; sub) ns=$NS_SUB ;; esac
  new_ns "$ns"
  ip -n "$NS_BR" link add "veth-$h" type veth peer name eth0 netns "$ns"
  ip -n "$NS_BR" link set "veth-$h" master br0 up
  ip -n "$ns" addr add "10.233.0.$last/24" dev eth0
  ip -n "$ns" link set eth0 up
  last=$((last + 1))
done
BROKER=10.233.0.2
ports_up() { local h; for h in broker pub sub; do ip netns exec "$NS_BR" cat "/sys/class/net/veth-$h/brport/state" | grep -qx 3 || return 1; done; }
wait_until 10 "bridge ports forwarding" ports_up

printf 'per_listener_settings false\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\nlistener 1883\n' >"$WORK/mosquitto.conf"
chmod 644 "$WORK/mosquitto.conf"
ip netns exec "$NS_BROKER" mosquitto -c "$WORK/mosquitto.conf" >"$WORK/broker.log" 2>&1 &
BG_PIDS+=($!)
wait_until 10 "broker" bash -c "[ -n \"\$(ip netns exec $NS_BROKER ss -Hltn 'sport = :1883')\" ]"

TMP="$OUT_DIR/.watch-base.pcap.tmp"
ip netns exec "$NS_BR" tcpdump -Z root -n -U --immediate-mode -B 65536 -i br0 -w "$TMP" tcp port 1883 2>"$WORK/tcpdump.err" &
TCPDUMP_PID=$!; BG_PIDS+=($TCPDUMP_PID)
wait_until 10 "tcpdump" grep -q "listening on" "$WORK/tcpdump.err"

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
kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true
cat "$WORK/tcpdump.err" >&2
chmod 644 "$TMP"; mv -f "$TMP" "$OUT_DIR/watch-base.pcap"
log "wrote $OUT_DIR/watch-base.pcap ($(du -h "$OUT_DIR/watch-base.pcap" | cut -f1))"
