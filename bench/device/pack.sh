#!/usr/bin/env bash
# Builds what the GPU check needs on a machine with no Node.js, no npm and no network
# (bench/device/README.md): .devgpu/payload.tar.xz, holding this machine's node binary,
# the bundled check (bench/device/bundle.mjs) and its native packages, and .gl/, the Vulkan
# loader packages (Debian's, amd64) the device unpacks with dpkg -x. Both folders are
# ignored by git and travel as carried paths. Prints their sizes.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(uname -m)" = x86_64 ] || { echo "pack.sh: build on x86-64, the device's processor" >&2; exit 1; }

rm -rf .devgpu
stage=.devgpu/stage
node bench/device/bundle.mjs "$stage"
mkdir -p "$stage/node/bin"
cp "$(command -v node)" "$stage/node/bin/node"
# xz on one thread keeps the machine's other work going; extraction needs only python3's tarfile.
(cd "$stage" && XZ_OPT='-6 -T1' tar -cJf ../payload.tar.xz bundle node_modules node)
rm -rf "$stage"

# The Vulkan loader and GL dispatch libraries, as bench/device/README.md's command expects
# (the device image has the NVIDIA driver but not libvulkan1).
if ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then
  mkdir -p .gl /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  apt-get $o update >/dev/null
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi

du -b .devgpu/payload.tar.xz .gl/*.deb | awk '{ t += $1; printf "%8.1f MiB  %s\n", $1 / 1048576, $2 } END { printf "%8.1f MiB  in all (limit 64 MiB with the tracked files)\n", t / 1048576 }'
