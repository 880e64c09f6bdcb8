#!/usr/bin/env bash
# pretest: make sure the system parts the tests need are installed. Installs them with apt-get when
# it can (root, Debian); otherwise stops with one line saying what to install. No test skips.
cd "$(dirname "$0")/.."
set -u
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/sbin/mosquitto ] || need+=(mosquitto)   # MQTT bridge tests (bridge/mqtt)
# better-sqlite3 is not a dependency (only the nuPlan reader loads it; it compiles from source
# where no prebuilt binary fits, about a minute of `npm install`): package.json names its range
# under "optionalPackages" (npm ignores that field; an optional peer dependency would never be
# installed in this project, not even by `npm install better-sqlite3`). The nuPlan tests need it,
# so install it here, not saved to package.json.
if ! node -e "new (require('better-sqlite3'))(':memory:').close()" >/dev/null 2>&1; then
  range=$(node -p "require('./package.json').optionalPackages['better-sqlite3']")
  echo "pretest: installing better-sqlite3@$range for the nuPlan tests (npm install --no-save)"
  npm install --no-save --no-audit --no-fund "better-sqlite3@$range" >/dev/null ||
    { echo "pretest: could not install better-sqlite3 (the nuPlan tests need it): npm install --no-save better-sqlite3@$range" >&2; exit 1; }
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "pretest: installing ${need[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  # wait (up to 5 min) for another apt-get / unattended upgrade holding the lock instead of failing
  lock=(-o DPkg::Lock::Timeout=300)
  apt-get "${lock[@]}" update -qq >/dev/null &&
    apt-get "${lock[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null && exit 0
fi
echo "pretest: install these system packages first: ${need[*]} (Debian: sudo apt-get install ${need[*]})" >&2
exit 1
