#!/usr/bin/env bash
# Debian's Chromium for the studio's browser tests: Playwright drives this one, as its own
# browser download cannot reach its servers from these machines. Without root or sudo,
# or on a system without apt-get, it says so and the browser tests are skipped (CI sets
# CXSIM_BROWSER_TESTS=required, which makes a missing browser a failure).
set -uo pipefail
command -v chromium > /dev/null && exit 0
if ! command -v apt-get > /dev/null; then
    echo "cxsim: no apt-get: install Chromium yourself for the studio's browser tests" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo > /dev/null || { echo "cxsim: needs root to install chromium" >&2; exit 0; }
    SUDO="sudo -n"
fi
echo "cxsim: installing Debian's chromium for the studio's browser tests" >&2
$SUDO apt-get install -y -q chromium > /dev/null 2>&1 \
    || { $SUDO apt-get update -q > /dev/null 2>&1 && $SUDO apt-get install -y -q chromium > /dev/null 2>&1; } \
    || echo "cxsim: could not install chromium: the browser tests will be skipped" >&2
exit 0
