"""Every point of the documented parameter box runs to finite metrics (issue 21).

Output compounds: trend growth (`enterprise.growth_rate`) and innovations, each multiplying it by
1 + `enterprise.innovation_output_gain`, at a hazard `enterprise.innovation_rate` times
1 + the consortium, workstation and finance boosts. At the top of their documented ranges one
firm's output passed the largest float within weeks and the run failed with "metrics must be
finite". A firm's output now stops at `model::max_output` (1e12 million yuan, sim/model/lanes.hpp),
which never binds near the defaults (`scripts/result-hash.py` is unchanged).

The test runs, on the plan's full three-year calendar with 300 + 300 firms and one replicate:
- the 2^6 corners of the parameters that drive output, with every other parameter at the end of
  its range that makes output and innovation largest;
- the largest growth over the longest documented calendar (1990 to 2100);
- 50 seeded random points of the whole numeric box (every numeric parameter with a finite range
  except the calendar, the run settings and the population, which set the cost, not the state;
  `enterprise.birth_rate` only up to 1, see BIRTHS_AT_MOST).
"""

from __future__ import annotations

import itertools
import random
import re

import numpy as np
import pytest

import kcsim

# The parameters that multiply output: each at its minimum or maximum in the corners.
DRIVERS = [
    "enterprise.growth_rate",
    "enterprise.innovation_rate",
    "enterprise.innovation_output_gain",
    "consortia.innovation_boost",
    "incubator.workstation_boost",
    "finance.rd_boost",
]

# The rest at the end of its range that makes output and innovations largest: large, high-level
# firms that never exit, join consortia, host workstations and are financed, and solve many needs.
WORST = {
    "enterprise.tech_level_tech": 1.0,
    "enterprise.tech_level_other": 1.0,
    "enterprise.high_tech_level_bonus": 1.0,
    "enterprise.tech_level_spread": 0.5,
    "enterprise.absorptive_spread": 0.5,
    "enterprise.output_tech": 1e6,
    "enterprise.output_other": 1e6,
    "enterprise.output_sigma": 3.0,
    "enterprise.rd_intensity_tech": 1.0,
    "enterprise.rd_intensity_high_tech": 1.0,
    "enterprise.rd_intensity_other": 1.0,
    "enterprise.solution_innovation": 1.0,
    "enterprise.innovation_learning": 1.0,
    "enterprise.need_rate": 365.0,
    "enterprise.self_solve_rate": 365.0,
    "enterprise.exit_rate_tech": 0.0,
    "enterprise.exit_rate_other": 0.0,
    "enterprise.birth_rate": 0.0,  # new firms are small; births above exits grow the population (below)
    "enterprise.awareness_initial": 1.0,
    "enterprise.awareness_decay": 0.0,
    "consortia.initial": 1000,
    "consortia.join_rate": 52.0,
    "consortia.leave_rate": 0.0,
    "consortia.dissolve_rate": 0.0,
    "incubator.workstations_per_year": 10000,
    "finance.roadshows_per_year": 365.0,
    "finance.pitch_awareness": 0.0,
    "finance.pitches_per_roadshow": 10000,
    "finance.deal_prob": 1.0,
    "finance.deal_amount": 1e6,
    "finance.deal_amount_sigma": 4.0,
    "finance.effect_weeks": 1000,
    "finance.survival_ratio": 0.0,
    "libraries.contract_value": 1e5,
    "libraries.contract_value_sigma": 4.0,
}

# Births per firm and year are drawn up to this, not to the documented 52: births above exits grow
# the population exponentially (52 a year is e^156 times over three years), which exhausts memory
# long before output matters. That is a limit of the range, not of output, and is left open.
BIRTHS_AT_MOST = 1.0

SMALL = {"population.tech_firms": 300, "population.other_firms": 300, "run.replicates": 1}
KEPT = ("calendar.", "run.", "population.")


@pytest.fixture(scope="module")
def plan():
    return kcsim.load_scenario("builtin:plan.toml")


@pytest.fixture(scope="module")
def ranges(run_kcsim):
    """{key: (lo, hi)} of every numeric parameter, from `kcsim params`."""
    out = run_kcsim("params").stdout
    found = re.findall(r"^([a-z_]+\.[a-z0-9_]+) = \S+\s+\[[^;\]]*; ([-0-9.,e+]+) \.\. ([-0-9.,e+]+)\]", out, flags=re.M)
    table = {}
    for k, lo, hi in found:
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", lo):  # dates (the calendar) are not numbers here
            table[k] = (float(lo.replace(",", "")), float(hi.replace(",", "")))
    assert set(DRIVERS) <= set(table) and set(WORST) <= set(table), sorted(set(DRIVERS) | set(WORST) - set(table))
    return table


def value_for(plan, key, x):
    """x as the parameter's own type (an integer parameter takes an integer, a switch a bool)."""
    current = plan.params[key]
    if isinstance(current, bool):
        return bool(round(x))
    if isinstance(current, int):
        return int(round(x))
    return float(x)


def assert_finite(plan, overrides: dict, label: str):
    sc = kcsim.derive(plan, {**overrides, **SMALL}, "box")
    ds = kcsim.run(sc, replicates=1, threads=1, progress=False)
    ok, message = bool(ds.replicate_ok.values[0]), str(ds.replicate_message.values[0])
    assert ok, f"{label}: {message}"
    assert np.isfinite(ds.metrics.values).all() and np.isfinite(ds.ledger.values).all(), label


def corners(ranges):
    for ends in itertools.product((0, 1), repeat=len(DRIVERS)):
        yield {k: ranges[k][e] for k, e in zip(DRIVERS, ends)}


def test_every_corner_of_the_output_drivers_stays_finite(plan, ranges):
    failed = []
    for corner in corners(ranges):
        overrides = {**WORST, **corner}
        overrides = {k: value_for(plan, k, v) for k, v in overrides.items()}
        try:
            assert_finite(plan, overrides, str(corner))
        except AssertionError as e:
            failed.append(str(e).splitlines()[0])
    assert not failed, f"{len(failed)} of {2 ** len(DRIVERS)} corners failed, e.g. {failed[:3]}"


def test_the_largest_growth_over_the_longest_calendar_stays_finite(plan, ranges):
    overrides = {k: value_for(plan, k, v) for k, v in {**WORST, **{d: ranges[d][1] for d in DRIVERS}}.items()}
    overrides.update({"calendar.start": "1990-01-01", "calendar.end": "2099-12-31", "calendar.step_days": 91})
    # Dates are TOML dates, not strings.
    text = "[calendar]\n" + "".join(f"{k.split('.')[1]} = {v}\n" for k, v in overrides.items()
                                     if k.startswith("calendar."))
    sc = kcsim.derive(plan, text, "long")
    rest = {k: v for k, v in overrides.items() if not k.startswith("calendar.")}
    assert_finite(sc, rest, "1990-2100 at the largest growth")


def test_random_points_of_the_whole_box_stay_finite(plan, ranges):
    rng = random.Random(20210104)
    keys = sorted(k for k in ranges if not k.startswith(KEPT) and not isinstance(plan.params[k], str))
    pairs = [(k, k[:-4] + "_max") for k in keys if k.endswith("_min") and k[:-4] + "_max" in ranges]
    failed = []
    for n in range(50):
        point = {k: rng.uniform(*ranges[k]) for k in keys}
        point["enterprise.birth_rate"] = rng.uniform(0, BIRTHS_AT_MOST)
        for lo, hi in pairs:  # a range's minimum at most its maximum
            point[lo], point[hi] = sorted((point[lo], point[hi]))
        point = {k: value_for(plan, k, v) for k, v in point.items()}
        try:
            assert_finite(plan, point, f"random point {n}")
        except AssertionError as e:
            failed.append(str(e).splitlines()[0])
    assert not failed, f"{len(failed)} of 50 random points failed, e.g. {failed[:3]}"


def test_births_that_outpace_exits_stop_a_replicate_cleanly(run_kcsim, tmp_path):
    # The largest documented birth rate without exits over the longest documented calendar would
    # grow the population past any memory: the replicate stops with a model error instead.
    f = tmp_path / "boom.toml"
    f.write_text('name = "boom"\nextends = "builtin:base/programme-2021.toml"\n[calendar]\nstart = 1990-01-01\n'
                 'end = 2100-01-01\n[population]\ntech_firms = 300\nother_firms = 300\n[enterprise]\n'
                 'birth_rate = 1\nexit_rate_tech = 0\nexit_rate_other = 0\n', encoding="utf-8")
    proc = run_kcsim("run", f, "--replicates", "1", "--threads", "1", "--quiet", "--out", tmp_path / "b.h5")
    assert proc.returncode == 1, proc.stderr
    assert "more than 64 times the 600 it started with" in proc.stderr and "enterprise.birth_rate" in proc.stderr
    f.write_text(f.read_text(encoding="utf-8").replace("birth_rate = 1", "birth_rate = 2"), encoding="utf-8")
    proc = run_kcsim("check", f)
    assert proc.returncode == 2 and "enterprise.birth_rate" in proc.stderr, proc.stderr
