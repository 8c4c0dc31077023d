#!/usr/bin/env bash
# System packages the tests need, installed when missing (as root, non-interactive):
# Debian's chromium for the browser tests (Playwright drives it; no browser download) and
# pango for WeasyPrint's PDF briefing. Without root or apt-get it says what is missing and goes on
# (the browser tests then skip outside CI; under CI they fail, naming chromium).
set -euo pipefail
SYSTEM_PACKAGES="chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
missing=""
for pkg in $SYSTEM_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $missing >/dev/null
else
  echo "system packages missing:$missing (install them as root with apt-get for the browser and PDF tests)" >&2
fi
