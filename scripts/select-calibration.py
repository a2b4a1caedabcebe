#!/usr/bin/env python3
"""Is kcsim select's P(best) calibrated? On the 2-of-6 case of tests/python/test_select.py (the
small city, problems solved), the truth comes from every pair on many paired replicates; then
many searches with their own seeds report P(best) for their finalists, and this prints how often
the portfolios given each P(best) were in fact the best (a reliability table), the share of
searches that chose the true best, and the Brier score against knowing nothing.

    .venv/bin/python scripts/select-calibration.py [--seeds 40] [--replicates 8] [--truth 200]

docs/select.md quotes its output."""
import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "python"))
sys.path.insert(0, str(ROOT / "build" / "python"))

from test_select import SMALL_CITY, recovery_text  # noqa: E402  (the test's case, word for word)

import kcsim  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=40)
    ap.add_argument("--replicates", type=int, default=8, help="replicates of each finalist")
    ap.add_argument("--truth", type=int, default=200, help="replicates of every pair for the truth")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "small.toml").write_text(SMALL_CITY)
        (folder / "truth.toml").write_text(recovery_text(seed=999, top=15, replicates=a.truth, first=a.truth))
        truth = kcsim.select(str(folder / "truth.toml"), progress=False)
        best = str(truth["portfolio"].values[0])
        print(f"truth ({a.truth} replicates of all 15 pairs): {best}; runner-up "
              f"{truth['portfolio'].values[1]} at {truth['vs_best_mean'].values[1]:+.2f} "
              f"[{truth['vs_best_lo95'].values[1]:+.2f}, {truth['vs_best_hi95'].values[1]:+.2f}]")
        ps, hit, chosen = [], [], 0
        first = max(2, min(4, a.replicates // 2))
        for seed in range(1, a.seeds + 1):
            (folder / "s.toml").write_text(recovery_text(seed=seed, top=5, replicates=a.replicates, first=first))
            ds = kcsim.select(str(folder / "s.toml"), progress=False)
            labels = [str(x) for x in ds["portfolio"].values]
            chosen += labels[0] == best
            for lab, p in zip(labels, ds["p_best"].values):
                ps.append(float(p))
                hit.append(lab == best)
        ps, hit = np.array(ps), np.array(hit, dtype=float)
        print(f"{a.seeds} searches at {a.replicates} replicates per finalist: the true best chosen {chosen} times "
              f"({100 * chosen / a.seeds:.0f}%); Brier {((ps - hit) ** 2).sum() / a.seeds:.3f} per search "
              f"(P(best) = 1/5 for all: {((0.2 - hit) ** 2).sum() / a.seeds:.3f})")
        print("P(best) reported   finalists   in fact the best")
        for lo, hi in [(0, 0.05), (0.05, 0.3), (0.3, 0.7), (0.7, 0.95), (0.95, 1.0001)]:
            m = (ps >= lo) & (ps < hi)
            if m.any():
                print(f"  {lo:4.2f}-{min(hi, 1):4.2f}  mean {ps[m].mean():4.2f}   {m.sum():5d}       "
                      f"{hit[m].mean():4.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
