#!/usr/bin/env bash
# Installs the Debian packages kcsim needs that are missing, and nothing else.
# Idempotent: a machine that has everything gets one line and no apt call.
# Uses sudo when not root. Set KCSIM_SKIP_DEPS=1 to skip (e.g. on a managed cluster).
set -euo pipefail

if [[ "${KCSIM_SKIP_DEPS:-0}" == "1" ]]; then
    echo "install-deps: skipped (KCSIM_SKIP_DEPS=1)"
    exit 0
fi

# One package a line, grouped by what needs it. Keep in step with docs/building.md.
packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config git bc
    # C++ libraries (the fixed stack)
    libboost-dev libtbb-dev libhdf5-dev hdf5-tools pybind11-dev catch2
    librandom123-dev libtomlplusplus-dev libopenmpi-dev openmpi-bin zlib1g-dev
    # Python side: the interpreter with Debian's numpy, and what tests and notebooks use
    python3 python3-venv python3-dev python3-numpy python3-h5py python3-xarray
    python3-h5netcdf python3-pandas python3-pytest python3-matplotlib
    python3-nbclient python3-nbformat python3-ipykernel python3-mpi4py
    # formatting and lint
    clang-format clang-tidy
    # make fuzz: clang with libFuzzer and the sanitizer runtimes; strace for test_reliability.py
    clang libclang-rt-14-dev strace
    # kcsim report: npm fetches the map geometry (below); a CJK font subset into each page
    # (fontTools, WOFF2 via brotli); Chromium for the browser test (tests/python/test_report_browser.py)
    python3-fonttools python3-brotli fonts-wqy-microhei chromium
)
# npm: the machine's nodejs may bring its own (NodeSource's package conflicts with Debian's npm).
if ! command -v npm >/dev/null 2>&1; then
    packages+=(npm)
fi

# Extra packages for optional targets (make notebook passes jupyter-notebook).
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

# The map of Chongqing for kcsim report: map/json/province/chongqing.json of the npm package
# echarts 4.9.0 (Apache-2.0), with its LICENSE and NOTICE, into .deps/ (not committed; the build
# copies it into the Python package). npm checks the package's integrity; we check the file's.
fetch_map() {
    local dir sum want=24f01b4818d6a9dae19559340704cf45fd74162324af31a1169ace4f5cf063d6
    dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.deps/echarts-4.9.0"
    if [[ -f "$dir/chongqing.json" ]] && [[ "$(sha256sum "$dir/chongqing.json" | cut -d' ' -f1)" == "$want" ]]; then
        echo "install-deps: map geometry present (echarts 4.9.0)"
        return 0
    fi
    local tmp
    tmp="$(mktemp -d)"
    echo "install-deps: fetching the map geometry (npm package echarts@4.9.0)"
    (cd "$tmp" && npm pack --silent echarts@4.9.0 > /dev/null \
        && tar -xzf echarts-4.9.0.tgz package/map/json/province/chongqing.json package/LICENSE package/NOTICE)
    sum="$(sha256sum "$tmp/package/map/json/province/chongqing.json" | cut -d' ' -f1)"
    if [[ "$sum" != "$want" ]]; then
        echo "install-deps: echarts 4.9.0 chongqing.json has sha256 $sum, expected $want" >&2
        rm -rf "$tmp"
        return 1
    fi
    mkdir -p "$dir"
    cp "$tmp/package/map/json/province/chongqing.json" "$tmp/package/LICENSE" "$tmp/package/NOTICE" "$dir/"
    rm -rf "$tmp"
}

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all ${#packages[@]} packages present"
    fetch_map
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: missing packages (${missing[*]}) and no apt-get on this machine." >&2
    echo "install-deps: install them with your package manager, or see docs/building.md." >&2
    exit 1
fi

sudo=()
if [[ "$(id -u)" != "0" ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi

echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fetch_map
echo "install-deps: done"
