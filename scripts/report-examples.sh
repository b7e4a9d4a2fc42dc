#!/usr/bin/env bash
# Rewrites the report examples in docs/ from the lab capture: docs/report-example.{en,id}.md with their SVGs, and
# docs/report-screenshot.png (the English HTML page in headless chromium, window 900x2600, as the browser test
# expects). Run after `npm run build` from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
for lang in en id; do
  node dist/src/cli/main.js report fixtures/reqresp.pcap --lang "$lang" -o "docs/report-example.$lang.md"
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node dist/src/cli/main.js report fixtures/reqresp.pcap -o "$work/report.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions \
  --user-data-dir="$work/profile" --virtual-time-budget=3000 --window-size=900,2600 \
  --screenshot="docs/report-screenshot.png" "file://$work/report.html" 2>/dev/null
