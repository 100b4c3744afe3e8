#!/usr/bin/env bash
# Installs what the browser tests (tests/Ledger.Browser.Tests) and bench/browser drive: Debian's
# chromium and chromium-driver, and nodejs when `node` is missing. Idempotent: does nothing when
# they are already there. Everything comes from apt (no browser download, no Selenium Manager);
# `apt-get update` runs only when apt does not know a package yet. Needs root (or sudo).
set -euo pipefail

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
[ -x /usr/bin/chromedriver ] || packages+=(chromium-driver)
command -v node >/dev/null 2>&1 || packages+=(nodejs)

if [ "${#packages[@]}" -eq 0 ]; then
  echo "install-browser: chromium, chromedriver and node are installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "install-browser: need root (or sudo) to apt-get install ${packages[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
known() { apt-cache show "$1" >/dev/null 2>&1; }
for package in "${packages[@]}"; do
  if ! known "$package"; then
    echo "install-browser: apt does not know $package yet: apt-get update"
    "${as_root[@]}" apt-get update -qq
    break
  fi
done

echo "install-browser: apt-get install ${packages[*]}"
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}"

for required in /usr/bin/chromium /usr/bin/chromedriver; do
  if [ ! -x "$required" ]; then
    echo "install-browser: $required is still missing after apt-get install" >&2
    exit 1
  fi
done
command -v node >/dev/null 2>&1 || { echo "install-browser: node is still missing after apt-get install nodejs" >&2; exit 1; }
echo "install-browser: done"
