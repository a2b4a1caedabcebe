"""Issue 15: districts differ as the data say, not only by size.

Each district that is not a pilot in the 2021 programme becomes, in turn, the one new municipal
pilot (from the first week), paired with the 2021 programme on the same 10 seeds. The programme's
effect in that district, per 1,000 firms it starts with, must be higher in the top readiness
quartile than in the bottom one, significantly over the paired replicates: on a size-only model
(district_data.differentiate = false) the per-firm effect does not rise with readiness.

Shorter than a planning run to stay near a minute: the horizon ends 2022-06-30 (18 months, enough
for awareness to build), with the full firm population so the small counties keep their ~50 firms.
scripts/district_pilots.py computes it; docs/validation.md reports the full 2-year table.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

kcsim = pytest.importorskip("kcsim")

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "district_pilots.py"


def _script():
    spec = importlib.util.spec_from_file_location("district_pilots", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_readiness_quartiles_differ_per_firm():
    dp = _script()
    r = dp.pilot_effects(replicates=10, end="2022-06-30")
    assert len(r["ids"]) == 27  # 41 units less the 14 pilots of the 2021 programme
    qc = dp.quartile_contrast(r)
    # Every district gains something from becoming a pilot.
    assert (r["effect"].mean(axis=1) > 0).all()
    # Top quartile above bottom, paired over replicates: t > 2.821 is p < 0.01 one-sided, 9 df.
    assert qc["top_mean"] > qc["bottom_mean"], qc
    assert qc["t"] > 2.821, qc
    # Readiness, not only size: the per-firm effect rises with readiness across all 27.
    assert dp.spearman(r["per1000"].mean(axis=1), r["readiness"]) > 0.3
