#!/usr/bin/env bash
# tls-make-capture.sh - record the TLS decryption benchmark capture
# bench/data/tls.pcap and its key log bench/data/tls.keys.
#
# In one network namespace created here (loopback only: no packet leaves it),
# Mosquitto listens with TLS on 8883 (a test CA made with openssl), and three
# paho publishers (fixtures/lab/tls-client.py, which writes the NSS key log)
# each send --count PUBLISHes of --size bytes at QoS 0, about 1 ms apart:
# TLS 1.3 (TLS_AES_256_GCM_SHA384), TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256 and
# TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305. tcpdump -i lo records it. The namespace
# and every process are removed on exit.
#
# Usage: sudo bash bench/tls-make-capture.sh [--count N] [--size BYTES] [OUTDIR]
#   defaults: --count 2000 --size 2000 (about 13 MB), OUTDIR bench/data
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$BENCH_DIR/.." && pwd)"
COUNT=2000; SIZE=2000; OUT_DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --count) COUNT="$2"; shift 2 ;;
    --size) SIZE="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "unknown option: $1" >&2; exit 2 ;;
    *) OUT_DIR="$1"; shift ;;
  esac
done
OUT_DIR="${OUT_DIR:-$BENCH_DIR/data}"
LAB_NAME=tls-make-capture
# shellcheck source=bench/lab-lib.sh
source "$BENCH_DIR/lab-lib.sh"
lab_require_root
lab_require_tools ip tcpdump mosquitto openssl
lab_python
mkdir -p "$OUT_DIR"
lab_start tlsbench
NS="mp-tlsbench-$TAG"
new_ns "$NS"
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=mqtt-pcap bench CA" -keyout "$WORK/ca.key" -out "$WORK/ca.crt" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$WORK/server.key" -out "$WORK/server.csr" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' >"$WORK/ext.cnf"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" -CAcreateserial -days 3650 \
  -extfile "$WORK/ext.cnf" -out "$WORK/server.crt" >/dev/null 2>&1
chmod 644 "$WORK"/*
printf '%s\n' "allow_anonymous true" "persistence false" "log_dest stderr" "listener 8883" \
  "cafile $WORK/ca.crt" "certfile $WORK/server.crt" "keyfile $WORK/server.key" >"$WORK/mosquitto.conf"
lab_broker "$WORK/mosquitto.conf" 8883 "$NS"
lab_tcpdump "$NS" lo "$WORK/tls.pcap" 262144
: >"$WORK/tls.keys"
common=(--host 127.0.0.1 --port 8883 --cafile "$WORK/ca.crt" --keylog "$WORK/tls.keys" --count "$COUNT" --size "$SIZE" --interval 0.001)
ip netns exec "$NS" "$PY" "$ROOT_DIR/fixtures/lab/tls-client.py" pub "${common[@]}" --tls-version 1.3 --client-id bench-tls13
ip netns exec "$NS" "$PY" "$ROOT_DIR/fixtures/lab/tls-client.py" pub "${common[@]}" --tls-version 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 --client-id bench-tls12-aes
ip netns exec "$NS" "$PY" "$ROOT_DIR/fixtures/lab/tls-client.py" pub "${common[@]}" --tls-version 1.2 --ciphers ECDHE-RSA-CHACHA20-POLY1305 --client-id bench-tls12-chacha
sleep 1
lab_tcpdump_stop || exit 1
mv "$WORK/tls.pcap" "$OUT_DIR/tls.pcap"; mv "$WORK/tls.keys" "$OUT_DIR/tls.keys"
chmod 644 "$OUT_DIR/tls.pcap" "$OUT_DIR/tls.keys"
echo "wrote $OUT_DIR/tls.pcap ($(stat -c %s "$OUT_DIR/tls.pcap") bytes) and $OUT_DIR/tls.keys" >&2
