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
[ "$(id -u)" -eq 0 ] || { echo "make-capture.sh must run as root (network namespaces, tcpdump)" >&2; exit 1; }
for t in ip tcpdump mosquitto mosquitto_sub timeout; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
PY=""
for cand in /usr/bin/python3 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import paho.mqtt.client' 2>/dev/null; then PY="$(command -v "$cand")"; break; fi
done
[ -n "$PY" ] || { echo "no python3 with paho-mqtt (apt-get install python3-paho-mqtt)" >&2; exit 1; }

mkdir -p "$OUT_DIR"; OUT_DIR="$(cd "$OUT_DIR" && pwd)"
WORK="$(mktemp -d /tmp/mqtt-pcap-bench.XXXXXX)"; chmod 755 "$WORK"
TAG="$$"; NAMESPACES=(); BG_PIDS=()
log() { printf '[make-capture %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
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

# ---- lab: bridge namespace + broker / pub / sub hosts on 10.231.0.0/24
NS_BR="mpb-br-$TAG"; NS_BROKER="mpb-broker-$TAG"; NS_PUB="mpb-pub-$TAG"; NS_SUB="mpb-sub-$TAG"
new_ns "$NS_BR"
ip -n "$NS_BR" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
ip -n "$NS_BR" link set br0 up
last=2
for h in broker pub sub; do
  case $h in broker) ns=$NS_BROKER ;; pub) ns=$NS_PUB ;; sub) ns=$NS_SUB ;; esac
  new_ns "$ns"
  ip -n "$NS_BR" link add "veth-$h" type veth peer name eth0 netns "$ns"
  ip -n "$NS_BR" link set "veth-$h" master br0 up
  ip -n "$ns" addr add "10.231.0.$last/24" dev eth0
  ip -n "$ns" link set eth0 up
  last=$((last + 1))
done
BROKER=10.231.0.2
ports_up() { local h; for h in broker pub sub; do ip netns exec "$NS_BR" cat "/sys/class/net/veth-$h/brport/state" | grep -qx 3 || return 1; done; }
wait_until 10 "bridge ports forwarding" ports_up

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
chmod 644 "$WORK/mosquitto.conf"
ip netns exec "$NS_BROKER" mosquitto -c "$WORK/mosquitto.conf" >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!; BG_PIDS+=($BROKER_PID)
wait_until 10 "broker" bash -c "[ -n \"\$(ip netns exec $NS_BROKER ss -Hltn 'sport = :1883')\" ]"

# ---- capture on the bridge. -U --immediate-mode and a big buffer: no drops.
TMP="$OUT_DIR/.base.pcap.tmp"
ip netns exec "$NS_BR" tcpdump -Z root -n -U --immediate-mode -B 262144 -i br0 -w "$TMP" tcp port 1883 2>"$WORK/tcpdump.err" &
TCPDUMP_PID=$!; BG_PIDS+=($TCPDUMP_PID)
wait_until 10 "tcpdump" grep -q "listening on" "$WORK/tcpdump.err"

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
kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true
kill -TERM "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true
cat "$WORK/tcpdump.err" >&2
if grep -Eq '^[1-9][0-9]* packets dropped by kernel' "$WORK/tcpdump.err"; then
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
