#!/usr/bin/env bash
# Install Debian's chromium for the browser tests (tests marked `browser`), once.
# Idempotent: exits 0 at once when /usr/bin/chromium is present; installs it with apt-get only when root.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    echo "chromium: already present ($(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium))"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "chromium: missing and not root; browser tests will be skipped (install it with: sudo apt-get install chromium)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium: missing and apt-get not found; browser tests will be skipped"
    exit 0
fi
echo "chromium: installing the Debian package with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
echo "chromium: installed ($(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium))"
