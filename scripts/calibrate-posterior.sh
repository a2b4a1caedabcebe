#!/bin/sh
# Regenerates the shipped posterior, scenarios/posterior/plan.h5, with kcsim calibrate (the command
# is kept in the file's `command` attribute). Run it after a model change: `make posterior`.
# About 1,080 runs of the plan to end-2022: a few minutes on 2 cores.
set -eu
cd "$(dirname "$0")/.."
KCSIM=${KCSIM:-build/bin/kcsim}
exec "$KCSIM" calibrate scenarios/targets/chongqing-2021-2022.toml \
    --parameters scenarios/targets/plan-prior.toml \
    --waves 3 --abc-runs 600 --accept 0.1 --draws 100 \
    --out scenarios/posterior/plan.h5 --force "$@"
