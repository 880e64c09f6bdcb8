#!/usr/bin/env bash
# OPTIONAL: builds the original esmini (headless, no OSG/OSI/SUMO/GTest/ImPlot) from the local
# mirror so that scripts/compare-esmini.ts can run it beside our OpenSCENARIO importer.
# Used only by that long comparison, never by `npm test`. Nothing it builds is committed.
#
#   scripts/build-esmini.sh [SRC_DIR=/tmp/esmini-src] [MIRROR=/work/.mirror/esmini+esmini/repo]
#   -> $SRC_DIR/bin/esmini
#
# Offline: the mirror has no submodules. externals/fmt (a submodule) is replaced by a shim that
# links Debian's libfmt-dev (apt-get install -y libfmt-dev; fmt 9.1 is enough for esmini's
# fmt::format / fmt::formatter use). The `git submodule update` step and the cloud downloads
# (OSG, OSI, SUMO, googletest, models) are switched off.
set -euo pipefail
SRC_DIR="${1:-/tmp/esmini-src}"
MIRROR="${2:-/work/.mirror/esmini+esmini/repo}"
JOBS="${JOBS:-2}"

if [ ! -f /usr/include/fmt/format.h ]; then
  echo "libfmt-dev missing: apt-get update && apt-get install -y libfmt-dev" >&2
  exit 1
fi
[ -d "$SRC_DIR/.git" ] || git clone -q "$MIRROR" "$SRC_DIR"
cd "$SRC_DIR"
echo "esmini commit: $(git rev-parse HEAD)"

# fmt shim: a target named `fmt` that the esmini CMake links, backed by the system library.
mkdir -p externals/fmt
cat > externals/fmt/CMakeLists.txt <<'CM'
find_package(fmt REQUIRED)
add_library(fmt INTERFACE)
target_link_libraries(fmt INTERFACE fmt::fmt)
CM
# Skip `git submodule update --init` (no network); the test submodules are not needed to run.
sed -i 's|execute_process(\s*$|execute_process( # disabled offline|' CMakeLists.txt
perl -0pi -e 's/COMMAND git submodule update --init --recursive/COMMAND true/' CMakeLists.txt

cmake -S . -B build \
  -DCMAKE_BUILD_TYPE=Release \
  -DDOWNLOAD_EXTERNALS=OFF \
  -DUSE_OSG=OFF -DUSE_OSI=OFF -DUSE_SUMO=OFF -DUSE_GTEST=OFF -DUSE_IMPLOT=OFF \
  -DBUILD_ODRPLOT=OFF -DBUILD_REPLAYER=OFF -DBUILD_EXAMPLES=OFF \
  -DENABLE_INCLUDE_WHAT_YOU_USE=OFF
cmake --build build --target esmini -j "$JOBS"
mkdir -p bin
cp "$(find build -type f -name esmini -perm -u+x | head -1)" bin/esmini
./bin/esmini --version 2>/dev/null | head -3 || true
echo "built $SRC_DIR/bin/esmini"
