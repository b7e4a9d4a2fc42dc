#!/usr/bin/env bash
# Installs the Debian packages that the tests and the fixture lab
# (fixtures/lab/capture.sh) need, on a fresh Debian 12 machine that has only
# Node.js. Runs as root (or through sudo). Does nothing when every tool is
# already there.
#
#   tshark            tshark (reference dissector in the tests)
#   wireshark-common  dumpcap, editcap, capinfos
#   tcpdump           tcpdump
#   mosquitto         mosquitto broker, mosquitto_passwd
#   mosquitto-clients mosquitto_pub, mosquitto_sub
#   python3, python3-paho-mqtt   the lab publisher (fixtures/lab/pub.py)
#   iproute2          ip (netns, veth, bridge), ss
#   procps            sysctl
#   ethtool           turning off TX checksum offload on the lab's veths
#   openssl           the TLS capture's throw-away CA and server certificate
#   dnsmasq-base      dnsmasq: the lab's DNS server in the name-resolution fault captures
#   iptables          the firewall mid-session in edge-middlebox-rst and edge-path-drop (in the lab's bridge namespace)
#   coreutils, gzip   timeout, stdbuf, gzip (essential; listed for completeness)
#   chromium          headless browser: the HTML report and its SVGs are rendered in a test
#   libxml2-utils     xmllint (the report's SVGs are checked as XML)
#   tmux              the watch screen test runs `mqtt-pcap watch` in a real terminal and reads it back
set -euo pipefail

PACKAGES=(tshark wireshark-common tcpdump mosquitto mosquitto-clients python3 python3-paho-mqtt
  iproute2 procps ethtool openssl dnsmasq-base iptables coreutils gzip ca-certificates chromium libxml2-utils tmux)
TOOLS=(tshark dumpcap editcap capinfos tcpdump mosquitto mosquitto_passwd mosquitto_pub mosquitto_sub
  ip ss sysctl ethtool openssl dnsmasq iptables timeout stdbuf gzip chromium xmllint tmux)

# Debian puts some of these in /usr/sbin and /sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

missing=()
for tool in "${TOOLS[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ! /usr/bin/python3 -c 'import paho.mqtt.client' >/dev/null 2>&1; then
  missing+=("python3-paho-mqtt")
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all tools present, nothing to install"
  exit 0
fi
echo "install-deps: missing ${missing[*]}; installing ${PACKAGES[*]}"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo" >&2; exit 1; }
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
# tshark's package asks whether non-root users may capture: answer no, never prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${SUDO[@]}" debconf-set-selections
"${SUDO[@]}" apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${PACKAGES[@]}"

still=()
for tool in "${TOOLS[@]}"; do command -v "$tool" >/dev/null 2>&1 || still+=("$tool"); done
/usr/bin/python3 -c 'import paho.mqtt.client' >/dev/null 2>&1 || still+=("python3-paho-mqtt")
if [ "${#still[@]}" -gt 0 ]; then
  echo "install-deps: still missing after install: ${still[*]}" >&2
  exit 1
fi
echo "install-deps: done"
