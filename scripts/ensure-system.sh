#!/usr/bin/env bash
# pretest: make sure the system parts the tests need are installed. Installs them with apt-get when
# it can (root, Debian); otherwise stops with one line saying what to install. No test skips.
set -u
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/sbin/mosquitto ] || need+=(mosquitto)   # MQTT bridge tests (bridge/mqtt)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "pretest: installing ${need[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null && exit 0
fi
echo "pretest: install these system packages first: ${need[*]} (Debian: sudo apt-get install ${need[*]})" >&2
exit 1
