#!/bin/sh
# Builds scripts/reference/libopendrive-dump.cpp against libOpenDRIVE (pageldev/libOpenDRIVE).
# Neither libOpenDRIVE's sources nor the binary are committed.
#   LODR_SRC  a libOpenDRIVE checkout (default /tmp/lodr-src; e.g.
#             git clone https://github.com/pageldev/libOpenDRIVE /tmp/lodr-src)
#   OUT       the binary (default /tmp/libopendrive-dump)
# Needs cmake, g++ and pugixml (Debian: apt-get install libpugixml-dev).
set -eu
LODR_SRC=${LODR_SRC:-/tmp/lodr-src}
OUT=${OUT:-/tmp/libopendrive-dump}
HERE=$(cd "$(dirname "$0")" && pwd)
cmake -S "$LODR_SRC" -B "$LODR_SRC/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$LODR_SRC/build" -j2 >/dev/null
g++ -O2 -std=c++17 -I"$LODR_SRC/include" "$HERE/libopendrive-dump.cpp" "$LODR_SRC/build/libOpenDrive.a" -lpugixml -o "$OUT"
echo "built $OUT from libOpenDRIVE $(git -C "$LODR_SRC" rev-parse HEAD)"
