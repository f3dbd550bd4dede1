#!/usr/bin/env bash
# Rebuilds the XS worker of @agoric/xsnap for 32 bits, in place (needs gcc with 32-bit support; on Debian:
# apt-get install -y gcc-multilib; about 20 s). An XS built for 32 bits has the classic ESP32's slot size (16 bytes)
# and chunk layout, so the working set the firmware bench and the budget test read from it is the controller's own
# figure, where the 64-bit worker `npm ci` builds gives an upper bound (slots 32 bytes). `npm ci` puts that one back.
set -euo pipefail
cd "$(dirname "$0")/../../node_modules/@agoric/xsnap"
version=$(node -p "require('./package.json').version")
build="$PWD/xsnap-native/xsnap/build-32bit"
make -C xsnap-native/xsnap/makefiles/lin -f xsnap-worker.mk GOAL=release MODDABLE="$PWD/moddable" BUILD_DIR="$build" XSNAP_VERSION="$version" CC='cc -m32'
mkdir -p xsnap-native/xsnap/build/bin/lin/release
cp "$build/bin/lin/release/xsnap-worker" xsnap-native/xsnap/build/bin/lin/release/xsnap-worker
file xsnap-native/xsnap/build/bin/lin/release/xsnap-worker 2>/dev/null || true
