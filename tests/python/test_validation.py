"""The patterns the default parameters reproduce (docs/validation.md), checked on real runs.

Each pattern names its source and tolerance; the model value is the mean over replicates.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

REPLICATES = 6


@pytest.fixture(scope="module")
def plan(session_runs, scenarios_dir):
    path = session_runs("plan", "run", scenarios_dir / "plan.toml", "--replicates", str(REPLICATES), "--threads", "2")
    with xr.open_dataset(path, group="scenarios/plan", engine="h5netcdf") as ds:
        yield ds.load()


@pytest.fixture(scope="module")
def counterfactual(session_runs, scenarios_dir):
    path = session_runs("no-programme", "run", scenarios_dir / "no-programme.toml", "--replicates", "2", "--threads", "2")
    with xr.open_dataset(path, group="scenarios/no-programme", engine="h5netcdf") as ds:
        yield ds.load()


def city(ds, metric):
    return ds.metrics.sel(metric=metric).sum("district")


def at(da, date):
    # The last step that ends on or before the date (the model's year-end step).
    return float(da.sel(time=date, method="ffill").mean("replicate"))


def test_programme_at_the_start_matches_the_seeds(plan):
    first = plan.metrics.isel(time=0)
    status = first.sel(metric="pilot_status")
    assert ((status == 2).sum("district") == 2).all()  # Yongchuan and the High-tech Zone (seeds 000, 001)
    assert ((status == 1).sum("district") == 12).all()  # the 12 municipal pilots (seed 004)
    assert np.allclose(first.sel(metric="expert_teams").sum("district"), 13)  # seeds 000-002
    experts = first.sel(metric="experts").sum("district")
    assert ((experts >= 200) & (experts <= 230)).all()  # "200+" (seed 001)
    consortia = first.sel(metric="consortia").sum("district")
    assert ((consortia >= 10) & (consortia <= 15)).all()  # "10余" (seed 001)


def test_forum_audiences_in_the_seed_range(plan):
    viewers = city(plan, "forum_viewers")
    per_forum = viewers.values[viewers.values > 0]
    # A step can hold one forum at 6 a year; every audience is 100k-200k (seeds 001, 004).
    assert per_forum.size >= REPLICATES * 17
    assert per_forum.min() >= 100_000 and per_forum.max() <= 200_000


def test_incubator_near_its_target_of_100_teams(plan):
    admitted = plan.metrics.sel(metric="startups_admitted", district="shapingba").sum("time")
    assert 80 <= float(admitted.mean()) <= 120  # 100 in three years (seed 000), Poisson noise


@pytest.mark.parametrize(
    "date,target,tolerance",
    [("2021-12-31", 36_900, 0.10), ("2022-12-31", 42_989, 0.10)],
)
def test_tech_firm_stock_growth(plan, date, target, tolerance):
    # 科技型企业: 42,989 in 2022, +40.1% in 2021 and +16.4% in 2022 (市科技局, 2023).
    value = at(city(plan, "tech_firms"), date)
    assert abs(value - target) <= tolerance * target, value


def test_high_tech_enterprises_2022(plan):
    value = at(city(plan, "high_tech_firms"), "2022-12-31")
    assert abs(value - 6_348) <= 0.15 * 6_348, value  # 6,348 高新技术企业 in 2022 (市科技局)


def test_firm_rd_order_of_magnitude(plan):
    # Firms' R&D 416.5亿 yuan in 2020 (2020 R&D bulletin); the simulated population holds most of it.
    rd_2021 = float(city(plan, "rd_spend").groupby("time.year").sum().sel(year=2021).mean()) / 100  # 亿 yuan
    assert abs(rd_2021 - 416.5) <= 0.25 * 416.5, rd_2021


def test_ledger_balances_every_year(plan):
    ledger = plan.ledger
    lhs = ledger.sel(ledger_item=["funds_in", "cofunding"]).sum("ledger_item")
    rhs = ledger.sel(ledger_item=["operations", "rewards", "unspent"]).sum("ledger_item")
    assert np.allclose(lhs, rhs, rtol=1e-12, atol=1e-9)
    assert (ledger >= -1e-9).all()
    # What was not done, line by line, adds up to the unfunded cost.
    not_done = ledger.sel(ledger_item=[str(i) for i in ledger.ledger_item.values if str(i).startswith("not_done_")])
    assert np.allclose(not_done.sum("ledger_item"), ledger.sel(ledger_item="unfunded"), rtol=1e-9, atol=1e-9)
    # Spending recorded by district adds up to the ledger's disbursements, year by year.
    spend = city(plan, "programme_spend").groupby("time.year").sum()
    rewards = city(plan, "reward_funds").groupby("time.year").sum()
    assert np.allclose(spend.transpose("replicate", "year"), ledger.sel(ledger_item="operations"), rtol=1e-9)
    assert np.allclose(rewards.transpose("replicate", "year"), ledger.sel(ledger_item="rewards"), rtol=1e-9)


def test_counterfactual_has_no_programme(counterfactual):
    for metric in ["expert_services", "forum_viewers", "startups_admitted", "reward_funds", "programme_spend"]:
        assert float(city(counterfactual, metric).sum()) == 0, metric
    assert float(city(counterfactual, "needs_raised").sum()) > 0


def test_programme_raises_solved_problems_and_awareness(plan, counterfactual):
    solved = city(plan, "needs_solved").sum("time").mean()
    solved0 = city(counterfactual, "needs_solved").sum("time").mean()
    assert float(solved) > float(solved0)
    aware = plan.metrics.sel(metric="awareness").isel(time=-1).mean()
    aware0 = counterfactual.metrics.sel(metric="awareness").isel(time=-1).mean()
    assert float(aware) > float(aware0)


def test_no_missing_or_negative_values(plan):
    values = plan.metrics.values
    assert np.isfinite(values).all()
    assert (values >= 0).all()
