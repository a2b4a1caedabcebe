#!/usr/bin/env bash
# Runs kcsim's libFuzzer targets (tests/fuzz, built by the fuzz preset in BUILD). For each target:
#   1. replays tests/fuzz/regressions/<target> and tests/fuzz/corpus/<target>: every input once,
#      no fuzzing, so an input that once failed fails again if the bug comes back;
#   2. fuzzes for SECONDS (0: skip), new inputs kept in BUILD/fuzz/corpus/<target> (the source
#      tree is only read).
# A crash, sanitizer report, leak, uncaught exception, timeout (10 s) or out-of-memory (2 GB)
# fails the run; the input is left in BUILD/fuzz/artifacts/<target>/. Fix the bug, then copy the
# input to tests/fuzz/regressions/<target>/ so that `make test` replays it from then on.
set -uo pipefail

build=${1:?usage: fuzz.sh BUILD SECONDS [TARGET...]}
seconds=${2:?usage: fuzz.sh BUILD SECONDS [TARGET...]}
shift 2
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(scenario sweep decision h5)
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)

failed=()
for t in "${targets[@]}"; do
    bin=$build/bin/fuzz_$t
    work=$build/fuzz/corpus/$t
    artifacts=$build/fuzz/artifacts/$t
    log=$build/fuzz/$t.log
    mkdir -p "$work" "$artifacts"
    opts=(-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/")
    case $t in scenario | sweep | decision) opts+=(-dict="$root/tests/fuzz/toml.dict") ;; esac
    # HDF5 temporary files (fuzz_h5) go to a folder of their own; HDF5's own leaks on damaged
    # files are suppressed (tests/fuzz/lsan.supp says which and why).
    export TMPDIR=$build/fuzz/tmp
    mkdir -p "$TMPDIR"
    export LSAN_OPTIONS=suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0
    # The slow unwinder: libhdf5 has no frame pointers, and the suppression needs the whole stack.
    export ASAN_OPTIONS=fast_unwind_on_malloc=0

    seeds=("$root/tests/fuzz/corpus/$t")
    [[ -d "$root/tests/fuzz/regressions/$t" ]] && seeds+=("$root/tests/fuzz/regressions/$t")
    if ! "$bin" "${opts[@]}" -runs=0 "${seeds[@]}" >"$log" 2>&1; then
        echo "fuzz $t: replaying ${seeds[*]#"$root/"} FAILED:"
        tail -n 40 "$log"
        failed+=("$t")
        continue
    fi
    replayed=$(find "${seeds[@]}" -type f | wc -l)
    if [[ "$seconds" -le 0 ]]; then
        echo "fuzz $t: replayed $replayed inputs, all fine"
        continue
    fi
    if ! "$bin" "${opts[@]}" -max_total_time="$seconds" -print_final_stats=1 "$work" "${seeds[@]}" >>"$log" 2>&1; then
        echo "fuzz $t: FAILED after fuzzing; the input is in ${artifacts#"$root/"}/:"
        tail -n 60 "$log"
        failed+=("$t")
        continue
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
    echo "fuzz $t: replayed $replayed inputs, then ${runs:-?} runs in ${seconds} s, no failure"
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz: FAILED: ${failed[*]} (logs in ${build#"$root/"}/fuzz/)"
    exit 1
fi
