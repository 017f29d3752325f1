#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/ts/ui) when it is not there yet.
# Quick when it is: one file test. Needs root and Debian's package registry.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then exit 0; fi
echo "installing Debian's chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
