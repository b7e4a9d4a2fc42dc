# lab-lib.sh - the namespace lab shared by the benchmark recorders (bench/make-capture.sh, bench/watch-make-hour.sh,
# bench/tls-make-capture.sh): sourced, not run. Root checks, the python with paho-mqtt, a work folder, network
# namespaces removed with every process in them on exit (also on error / Ctrl-C), and the bridge lab: a bridge in its
# own namespace joining broker, publisher and subscriber namespaces on one /24, with no link to the host and no route
# out, Mosquitto in the broker namespace and tcpdump on the bridge. What each recorder sends is its own.
#
#   LAB_NAME=make-capture; source "$BENCH_DIR/lab-lib.sh"
#   lab_require_root; lab_require_tools ip tcpdump mosquitto; lab_python   # sets PY
#   lab_start mpb                   # sets WORK, TAG; cleanup on exit
#   lab_bridge mpb 10.231.0         # sets NS_BR NS_BROKER NS_PUB NS_SUB BROKER
#   lab_broker "$WORK/mosquitto.conf" 1883   # sets BROKER_PID
#   lab_tcpdump "$NS_BR" br0 FILE 262144 tcp port 1883   # sets TCPDUMP_PID

export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
NAMESPACES=(); BG_PIDS=()

log() { printf '[%s %s] %s\n' "${LAB_NAME:-lab}" "$(date +%H:%M:%S)" "$*" >&2; }

lab_require_root() {
  [ "$(id -u)" -eq 0 ] || { echo "${LAB_NAME:-lab}.sh must run as root (network namespaces, tcpdump)" >&2; exit 1; }
}

lab_require_tools() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }; done
}

# PY: a python3 that imports paho-mqtt.
lab_python() {
  local cand
  PY=""
  for cand in /usr/bin/python3 python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import paho.mqtt.client' 2>/dev/null; then PY="$(command -v "$cand")"; break; fi
  done
  [ -n "$PY" ] || { echo "no python3 with paho-mqtt (apt-get install python3-paho-mqtt)" >&2; exit 1; }
}

lab_cleanup() {
  local rc=$? pid ns; set +e
  for pid in "${BG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done; done
  for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
  [ -n "${WORK:-}" ] && rm -rf "$WORK"
  exit "$rc"
}

# A work folder (readable by the lab's processes) and the clean-up on exit.
lab_start() {
  WORK="$(mktemp -d "/tmp/mqtt-pcap-$1.XXXXXX")"; chmod 755 "$WORK"
  TAG="$$"
  trap lab_cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 0.1 s.
wait_until() {
  local n=$(($1 * 10)) what="$2" i=0; shift 2
  until "$@" >/dev/null 2>&1; do i=$((i+1)); [ $i -lt $n ] || { log "timed out waiting for $what"; return 1; }; sleep 0.1; done
}

# new_ns NAME: a namespace with loopback up and no IPv6 (removed on exit).
new_ns() {
  ip netns add "$1"; NAMESPACES+=("$1"); ip -n "$1" link set lo up
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# lab_bridge PREFIX NET: broker NET.2, publishers NET.3, subscribers NET.4 on a bridge in its own namespace.
lab_bridge() {
  local prefix="$1" net="$2" last=2 h ns
  NS_BR="$prefix-br-$TAG"; NS_BROKER="$prefix-broker-$TAG"; NS_PUB="$prefix-pub-$TAG"; NS_SUB="$prefix-sub-$TAG"
  new_ns "$NS_BR"
  ip -n "$NS_BR" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
  ip -n "$NS_BR" link set br0 up
  for h in broker pub sub; do
    case $h in broker) ns=$NS_BROKER ;; pub) ns=$NS_PUB ;; sub) ns=$NS_SUB ;; esac
    new_ns "$ns"
    ip -n "$NS_BR" link add "veth-$h" type veth peer name eth0 netns "$ns"
    ip -n "$NS_BR" link set "veth-$h" master br0 up
    ip -n "$ns" addr add "$net.$last/24" dev eth0
    ip -n "$ns" link set eth0 up
    last=$((last + 1))
  done
  BROKER="$net.2"
  wait_until 10 "bridge ports forwarding" lab_ports_up
}

lab_ports_up() {
  local h
  for h in broker pub sub; do ip netns exec "$NS_BR" cat "/sys/class/net/veth-$h/brport/state" | grep -qx 3 || return 1; done
}

# lab_broker CONF PORT [NS]: Mosquitto with CONF in NS (default the broker's), listening on PORT.
lab_broker() {
  local conf="$1" port="$2" ns="${3:-$NS_BROKER}"
  chmod 644 "$conf"
  ip netns exec "$ns" mosquitto -c "$conf" >"$WORK/broker.log" 2>&1 &
  BROKER_PID=$!; BG_PIDS+=($BROKER_PID)
  wait_until 10 "broker" bash -c "[ -n \"\$(ip netns exec $ns ss -Hltn 'sport = :$port')\" ]"
}

# lab_tcpdump NS IFACE FILE BUFFER_KB FILTER...: tcpdump writing FILE, unbuffered, once it listens.
lab_tcpdump() {
  local ns="$1" iface="$2" file="$3" buffer="$4"; shift 4
  ip netns exec "$ns" tcpdump -Z root -n -U --immediate-mode -B "$buffer" -i "$iface" -w "$file" "$@" 2>"$WORK/tcpdump.err" &
  TCPDUMP_PID=$!; BG_PIDS+=($TCPDUMP_PID)
  wait_until 10 "tcpdump" grep -q "listening on" "$WORK/tcpdump.err"
}

# lab_tcpdump_stop: stops tcpdump, prints its counts; true when the kernel dropped nothing.
lab_tcpdump_stop() {
  kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true
  cat "$WORK/tcpdump.err" >&2
  ! grep -Eq '^[1-9][0-9]* packets dropped by kernel' "$WORK/tcpdump.err"
}
