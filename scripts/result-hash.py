#!/usr/bin/env python3
"""Prints one SHA-256 per scenario, replicate and thread count over the metrics and the final
firm columns of a whole run, for checking that a change keeps results bit-identical:

    .venv/bin/python scripts/result-hash.py            # plan, no-programme, plan-high; 3 replicates; 1 and 2 threads
    .venv/bin/python scripts/result-hash.py > before.txt && ... && diff before.txt after.txt
"""
import argparse
import hashlib
import re
import sys
from pathlib import Path

import numpy as np

import kcsim

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = re.findall(r'"firms/(\w+)"', (ROOT / "sim/state/columns.hpp").read_text())


def run_hash(scenario, replicate, threads):
    sim = kcsim.Simulation(scenario, replicate=replicate, threads=threads)
    sim.run()
    h = hashlib.sha256(np.ascontiguousarray(sim.metrics_view).tobytes())
    for name in COLUMNS:
        h.update(name.encode())
        h.update(np.ascontiguousarray(sim.firm_column(name)).tobytes())
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*", default=["plan", "no-programme", "plan-high"])
    ap.add_argument("--replicates", type=int, default=3)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    a = ap.parse_args()
    for name in a.scenarios:
        path = Path(name) if name.endswith(".toml") else ROOT / "scenarios" / f"{name}.toml"
        sc = kcsim.load_scenario(str(path))
        for r in range(a.replicates):
            for t in a.threads:
                print(f"{name} replicate {r} threads {t} {run_hash(sc, r, t)}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
