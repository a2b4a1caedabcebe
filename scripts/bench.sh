#!/usr/bin/env bash
# make bench: builds are done by make; this runs the benchmark program and says on what machine.
set -euo pipefail
build="${1:-build}"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
"$build/bin/kcsim_bench" scenarios

# MPI (issue 6): throughput of 1 and 2 ranks on a comparison, and coordination cost per unit.
if command -v mpirun >/dev/null 2>&1; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    export OMPI_MCA_btl=self,vader
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || echo "bench: failed: $*" >&2; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
    kcsim="$build/bin/kcsim"
    job=(compare scenarios/no-programme.toml scenarios/plan.toml --replicates 8 --threads 1 --quiet --force)
    r1=$(seconds mpirun -n 1 --bind-to none "$kcsim" "${job[@]}" --out "$tmp/r1.h5")
    r2=$(seconds mpirun -n 2 --bind-to none "$kcsim" "${job[@]}" --out "$tmp/r2.h5")
    printf '%-52s %12.3f %-14s target: %s\n' "MPI compare, 8 paired replicates, 1 rank x 1 thread" "$(echo "8 / $r1" | bc -l)" "replicates/s" "-"
    printf '%-52s %12.3f %-14s target: %s\n' "MPI compare, 8 paired replicates, 2 ranks x 1 thread" "$(echo "8 / $r2" | bc -l)" "replicates/s" "-"
    printf '%-52s %12.3f %-14s target: %s\n' "  speed-up 2 ranks / 1 rank" "$(echo "$r1 / $r2" | bc -l)" "x" "report (issue 6)"
    # Coordination: a two-week scenario, 200 units; the difference from one process per unit
    # (mpirun start-up included).
    printf 'name = "tiny"\nextends = "builtin:base/programme-2021.toml"\n[calendar]\nend = 2021-01-17\n' > "$tmp/tiny.toml"
    printf 'name = "tiny2"\nextends = "tiny.toml"\n' > "$tmp/tiny2.toml"
    small=(compare "$tmp/tiny.toml" "$tmp/tiny2.toml" --replicates 200 --quiet --force)
    # Like for like: 2 ranks x 1 thread against one process x 2 threads (same cores in use).
    s0=$(seconds "$kcsim" "${small[@]}" --threads 2 --out "$tmp/s0.h5")
    s2=$(seconds mpirun -n 2 --bind-to none "$kcsim" "${small[@]}" --threads 1 --out "$tmp/s2.h5")
    printf '%-52s %12.3f %-14s target: %s\n' "MPI coordination cost per unit (2 ranks x 1 vs 1 x 2 threads)" "$(echo "($s2 - $s0) * 1000 / 200" | bc -l)" "ms" "report (issue 6)"
fi
