#!/usr/bin/env bash
# make bench: builds are done by make; this runs the benchmark program and says on what machine.
set -euo pipefail
build="${1:-build}"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
"$build/bin/kcsim_bench" scenarios
