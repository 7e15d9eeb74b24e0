#!/usr/bin/env bash
# The GPU check on the device machine (bench/device/README.md), from the repository root,
# with .devgpu and .gl carried there (bench/device/pack.sh builds them): the Vulkan loader
# from .gl, the node binary and bundled check from .devgpu, the NVIDIA Vulkan driver named
# when nothing else was chosen, then bench/gpu-check.ts (bundled) under `timeout`, writing
# to $OUT. CHECK_S and BUDGET_S shorten it; GPU_CHECK_SMOKE=1 measures tiny sizes.
cd "$(dirname "$0")/../.."
: "${OUT:?OUT must name the folder for the results}"
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
python3 -m tarfile -e .devgpu/payload.tar.xz .devgpu/ || exit 9
export PATH="$PWD/.devgpu/node/bin:$PATH"
nvidia=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f "$nvidia" ]; then
  export VK_DRIVER_FILES="$nvidia" __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
{
  command -v node
  node -v
  nvidia-smi -L
  ldconfig -p | grep -i libvulkan
  env | grep -E '^(VK_|__EGL)'
  ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d
} >"$OUT/env.txt" 2>&1
timeout -k 10 "${CHECK_S:-470}" node .devgpu/bundle/gpu-check.mjs --out "$OUT" --budget "${BUDGET_S:-450}"
echo "gpu-check exit $?"
