"""`kcsim compare`: paired scenario comparisons, forks, the comparison group and the summary files.

The command runs every scenario on the same replicates (common random numbers) and writes one
HDF5 file with a group per scenario plus /comparison, and FILE.summary.csv / FILE.summary.md next
to it (sim/cli/compare.cpp, sim/analysis/compare.cpp, sim/io/run_store.cpp write_comparison).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

SEED = 17
REPS = 3
T975_DF2 = 4.303  # Student t, 97.5% quantile, 2 degrees of freedom (REPS - 1)
FORK_AT = "2022-01-03"
STATS = ["mean", "p05", "p95", "diff_mean", "diff_lo95", "diff_hi95", "p_higher"]
TARGETS = ["tech_firms_doubling_pace", "high_tech_doubling_pace", "startups_incubated_100", "pilots_plus_3",
           "teams_plus_3", "forums_bimonthly", "rewards_every_year"]
INPUTS = TARGETS[3:]  # delivered as scheduled, not outcome targets
PER_MILLION = ["needs_solved", "tech_firms", "high_tech_firms", "tech_contracts", "startups_graduated"]


def text(values) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def summary_files(h5: Path) -> tuple[Path, Path]:
    return h5.with_name(h5.stem + ".summary.csv"), h5.with_name(h5.stem + ".summary.md")


def group_arrays(path: Path, scenario: str) -> dict[str, np.ndarray]:
    with h5py.File(path, "r") as f:
        g = f[f"scenarios/{scenario}"]
        return {k: g[k][...] for k in ("metrics", "ledger", "replicate", "replicate_ok")}


def assert_bitwise_equal(x: np.ndarray, y: np.ndarray) -> None:
    assert x.dtype == y.dtype and x.shape == y.shape
    assert x.tobytes() == y.tobytes()


def assert_error(proc, code: int = 2) -> str:
    assert proc.returncode == code, f"exit {proc.returncode}, expected {code}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert proc.stderr.startswith("kcsim: error: "), proc.stderr
    assert proc.stderr.count("\n") == 1, f"expected a one-line message, got:\n{proc.stderr}"
    return proc.stderr


def assert_nothing_written(folder: Path) -> None:
    left = sorted(p.name for p in folder.iterdir())
    assert left == [], f"bad input left files behind: {left}"


@pytest.fixture(scope="module")
def no_programme(scenarios_dir: Path) -> Path:
    return scenarios_dir / "no-programme.toml"


@pytest.fixture(scope="module")
def plan(scenarios_dir: Path) -> Path:
    return scenarios_dir / "plan.toml"


@pytest.fixture(scope="module")
def cmp_run(session_runs, no_programme, plan) -> Path:
    return session_runs("cmp", "compare", no_programme, plan, "--replicates", REPS, "--seed", SEED)


@pytest.fixture(scope="module")
def fork_run(session_runs, no_programme, plan) -> Path:
    return session_runs("fork", "compare", plan, no_programme, "--replicates", REPS, "--seed", SEED, "--fork-at", FORK_AT)


@pytest.fixture(scope="module")
def solo(session_runs, no_programme, plan):
    files = {"no-programme": no_programme, "plan": plan}
    return lambda name: session_runs(f"solo-{name}", "run", files[name], "--replicates", REPS, "--seed", SEED)


@pytest.fixture(scope="module")
def comparison(cmp_run):
    ds = xr.open_dataset(cmp_run, group="comparison", engine="h5netcdf")
    ds.load()
    ds.close()
    return ds


# ---------------------------------------------------------------------------------------------
# The two-scenario comparison: files, layout, and that the summary is what `city` says


def test_compare_writes_h5_csv_and_md(cmp_run):
    csv_path, md_path = summary_files(cmp_run)
    assert csv_path.is_file() and md_path.is_file()
    assert not [p.name for p in cmp_run.parent.iterdir() if ".tmp-" in p.name]
    with h5py.File(cmp_run, "r") as f:
        assert set(f.keys()) == {"scenarios", "comparison"}
        assert sorted(f["scenarios"].keys()) == ["no-programme", "plan"]
        assert f.attrs["seed"] == SEED
        assert f.attrs["command"].startswith("kcsim compare ")
        c = f["comparison"]
        assert c.attrs["baseline"] == "no-programme"
        assert c.attrs["fork_date"] == ""
        assert c.attrs["replicates"] == REPS
        for name in ("no-programme", "plan"):
            g = f[f"scenarios/{name}"]
            assert g.attrs["scenario_name"] == name
            assert list(g["replicate"][...]) == list(range(REPS))
            assert list(g["replicate_ok"][...]) == [1] * REPS
            assert not np.isnan(g["metrics"][...]).any()
    md = md_path.read_text(encoding="utf-8")
    assert md.startswith("# kcsim comparison\n")
    assert "`kcsim compare " in md
    assert f"## Comparison of 2 scenarios over {REPS} paired replicates; baseline no-programme" in md
    assert "| tech_firms (end) | firms | no-programme |" in md
    # The summary leads with the additional needs solved, then the table, cost-effectiveness,
    # the outcome targets and the inputs delivered.
    assert md.index("## Additional needs solved against no-programme") < md.index("| needs_solved (total)")
    assert "## Cost-effectiveness" in md and "needs_solved / M yuan" in md
    assert "## Probability of meeting the outcome targets" in md
    assert "## Inputs delivered as scheduled" in md


def test_comparison_group_is_labelled(comparison):
    ds = comparison
    assert ds.city.dims == ("scenario", "replicate", "metric")
    assert ds.summary.dims == ("scenario", "metric", "statistic")
    assert ds.targets.dims == ("scenario", "target")
    assert list(ds.scenario.values) == ["no-programme", "plan"]
    assert list(ds.replicate.values) == list(range(REPS))
    assert list(ds.statistic.values) == STATS
    assert list(ds.target.values) == TARGETS
    assert "tech_firms" in ds.metric.values and "problems_solved" in ds.metric.values
    assert ds.city.sel(scenario="plan", metric="tech_firms").shape == (REPS,)
    assert not np.isnan(ds.city.values).any()


def test_city_is_the_city_figure_of_each_replicate(cmp_run, comparison):
    # Flows: total over steps and districts; sum-aggregated stocks: city total at the last step.
    for name in ("no-programme", "plan"):
        m = xr.open_dataset(cmp_run, group=f"scenarios/{name}", engine="h5netcdf").metrics.load()
        city = comparison.city.sel(scenario=name)
        for metric in ("problems_solved", "innovations", "rd_spend"):
            expect = m.sel(metric=metric).sum(["time", "district"]).values
            np.testing.assert_allclose(city.sel(metric=metric).values, expect, rtol=1e-12)
        for metric in ("tech_firms", "firms"):
            expect = m.sel(metric=metric).isel(time=-1).sum("district").values
            np.testing.assert_allclose(city.sel(metric=metric).values, expect, rtol=1e-12)


def test_summary_statistics_follow_from_city(comparison):
    city, summ = comparison.city, comparison.summary
    base = city.sel(scenario="no-programme")
    for name in ("no-programme", "plan"):
        x = city.sel(scenario=name)
        s = summ.sel(scenario=name)
        np.testing.assert_allclose(s.sel(statistic="mean"), x.mean("replicate"), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(s.sel(statistic="p05"), x.quantile(0.05, "replicate"), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(s.sel(statistic="p95"), x.quantile(0.95, "replicate"), rtol=1e-12, atol=1e-12)
        d = (x - base).values  # (replicate, metric): paired differences from the baseline
        np.testing.assert_allclose(s.sel(statistic="diff_mean"), d.mean(axis=0), rtol=1e-12, atol=1e-9)
        half = T975_DF2 * d.std(axis=0, ddof=1) / np.sqrt(REPS)
        lo, hi = s.sel(statistic="diff_lo95").values, s.sel(statistic="diff_hi95").values
        np.testing.assert_allclose(lo, d.mean(axis=0) - half, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(hi, d.mean(axis=0) + half, rtol=1e-9, atol=1e-9)
        assert (lo <= hi).all()
        p = s.sel(statistic="p_higher").values
        assert ((p >= 0) & (p <= 1)).all()
        np.testing.assert_allclose(p, ((d > 0) + 0.5 * (d == 0)).mean(axis=0), rtol=0, atol=1e-15)


def test_baseline_difference_is_zero(comparison):
    b = comparison.summary.sel(scenario="no-programme")
    for stat in ("diff_mean", "diff_lo95", "diff_hi95"):
        assert (b.sel(statistic=stat).values == 0).all(), stat
    assert (b.sel(statistic="p_higher").values == 0.5).all()  # all ties count half


def test_plan_beats_no_programme_where_it_must(comparison):
    s = comparison.summary.sel(scenario="plan")
    for metric in ("problems_solved", "expert_services", "programme_spend"):
        assert s.sel(metric=metric, statistic="diff_lo95") > 0, metric
        assert s.sel(metric=metric, statistic="p_higher") == 1.0, metric


def test_targets_are_probabilities(comparison):
    t = comparison.targets
    v = t.values
    assert ((v >= 0) & (v <= 1)).all()
    np.testing.assert_allclose(v * REPS, np.round(v * REPS), atol=1e-12)  # shares of REPS replicates
    # No programme, no pilots, forums or rewards: no input delivered.
    assert (t.sel(scenario="no-programme", target=INPUTS).values == 0).all()
    assert t.sel(scenario="plan", target="pilots_plus_3") == 1.0  # the plan adds 4 pilot districts
    assert len(comparison.target_meaning.values) == len(TARGETS)


def test_summary_csv_matches_the_h5(cmp_run, comparison):
    csv_path, _ = summary_files(cmp_run)
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    header = csv_path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == ["scenario", "metric", "unit", "measure", "mean", "p05", "p95", "diff_mean", "diff_lo95",
                      "diff_hi95", "p_higher"]
    metrics = [str(m) for m in comparison.metric.values]
    scenarios = [str(s) for s in comparison.scenario.values]
    assert len(rows) == len(scenarios) * (len(metrics) + len(TARGETS)) + (len(scenarios) - 1) * len(PER_MILLION)
    with h5py.File(cmp_run, "r") as f:
        kinds = dict(zip(text(f["scenarios/plan/metric"][...]), text(f["scenarios/plan/metric_kind"][...])))
        units = dict(zip(text(f["scenarios/plan/metric"][...]), text(f["scenarios/plan/metric_unit"][...])))
    seen = set()
    for row in rows:
        key = (row["scenario"], row["metric"])
        assert key not in seen, key
        seen.add(key)
        if row["metric"].startswith("per_million_yuan:"):
            # Cost-effectiveness: the paired difference per million yuan, only for non-baselines.
            assert row["scenario"] != scenarios[0] and row["measure"] == "paired difference"
            assert row["metric"][len("per_million_yuan:"):] in PER_MILLION
            assert row["unit"].endswith(" per million yuan")
            continue
        if row["metric"].startswith("target:"):
            assert row["measure"] == "probability"
            want = float(comparison.targets.sel(scenario=row["scenario"], target=row["metric"][len("target:"):]))
            assert float(row["mean"]) == pytest.approx(want, rel=1e-12, abs=0)
            assert row["unit"] == "probability"
            assert all(row[k] == "" for k in header[5:])
        else:
            assert row["measure"] == ("total" if kinds[row["metric"]] == "flow" else "end")
            assert row["unit"] == units[row["metric"]]
            # Numbers as the shortest text that reads back exactly: no 69838.699999999997.
            assert all(len(row[k]) <= 24 and "e+" not in row[k] or abs(float(row[k])) >= 1e16 for k in header[4:])
            s = comparison.summary.sel(scenario=row["scenario"], metric=row["metric"])
            for stat in STATS:
                assert float(row[stat]) == pytest.approx(float(s.sel(statistic=stat)), rel=1e-12, abs=1e-300), (key, stat)
    assert seen == ({(s, m) for s in scenarios for m in metrics} | {(s, f"target:{t}") for s in scenarios for t in TARGETS}
                    | {(s, f"per_million_yuan:{m}") for s in scenarios[1:] for m in PER_MILLION})


# ---------------------------------------------------------------------------------------------
# Pairing does not change results; forks


@pytest.mark.parametrize("name", ["no-programme", "plan"])
def test_compare_groups_equal_plain_runs(cmp_run, solo, name):
    alone = group_arrays(solo(name), name)
    paired = group_arrays(cmp_run, name)
    for k in ("metrics", "ledger", "replicate", "replicate_ok"):
        assert_bitwise_equal(paired[k], alone[k])
    with h5py.File(cmp_run, "r") as a, h5py.File(solo(name), "r") as b:
        assert a[f"scenarios/{name}"].attrs["scenario_sha256"] == b[f"scenarios/{name}"].attrs["scenario_sha256"]


def fork_step(path: Path, date: str) -> int:
    """Index of the step that contains `date` (steps are labelled by their last day)."""
    with h5py.File(path, "r") as f:
        days = text(f["scenarios/plan/date"][...])
    return next(i for i, d in enumerate(days) if d >= date)


def test_fork_shares_the_past_and_differs_after(fork_run):
    k = fork_step(fork_run, FORK_AT)
    assert 0 < k < 155
    a = group_arrays(fork_run, "plan")["metrics"]
    b = group_arrays(fork_run, "no-programme")["metrics"]
    assert not np.isnan(a).any() and not np.isnan(b).any()
    assert_bitwise_equal(a[:, :k], b[:, :k])
    for t in range(k, a.shape[1]):
        for r in range(REPS):
            assert not np.array_equal(a[r, t], b[r, t]), (r, t)
    with h5py.File(fork_run, "r") as f:
        c = f["comparison"]
        assert c.attrs["fork_date"] == FORK_AT  # a Monday: the first day of its step
        assert c.attrs["baseline"] == "plan"
        days = text(f["scenarios/plan/date"][...])
    assert days[k - 1] < FORK_AT <= days[k]
    assert np.datetime64(days[k]) - np.datetime64(FORK_AT) == np.timedelta64(6, "D")


def test_fork_trunk_continues_as_a_plain_run(fork_run, solo):
    # The first scenario, continued from its own state at the fork, is exactly its plain run.
    assert_bitwise_equal(group_arrays(fork_run, "plan")["metrics"], group_arrays(solo("plan"), "plan")["metrics"])
    alone = group_arrays(solo("no-programme"), "no-programme")["metrics"]
    forked = group_arrays(fork_run, "no-programme")["metrics"]
    assert not np.array_equal(alone, forked)  # it inherits the plan's first year


def test_fork_date_inside_a_step_forks_at_the_step_start(session_runs, plan, no_programme, fork_run):
    mid = session_runs("fork-mid", "compare", plan, no_programme, "--replicates", 1, "--seed", SEED, "--fork-at", "2022-01-05")
    with h5py.File(mid, "r") as f:
        assert f["comparison"].attrs["fork_date"] == FORK_AT
    for name in ("plan", "no-programme"):
        assert_bitwise_equal(group_arrays(mid, name)["metrics"][0], group_arrays(fork_run, name)["metrics"][0])


# ---------------------------------------------------------------------------------------------
# Bad input: exit 2, a one-line message, nothing written

BIWEEKLY = 'extends = "builtin:plan.toml"\n\n[calendar]\nstep_days = 14\n'

BAD = {
    "one scenario": (["plan"], [], ["give at least two scenario files"]),
    "same scenario twice": (["plan", "plan"], [], ["two scenarios are named 'plan'"]),
    "fork at the start": (["plan", "no-programme"], ["--fork-at", "2021-01-04"], ["--fork-at", "outside the simulated period"]),
    "fork before": (["plan", "no-programme"], ["--fork-at", "2019-05-01"], ["--fork-at", "outside the simulated period"]),
    "fork after": (["plan", "no-programme"], ["--fork-at", "2024-01-01"], ["--fork-at", "outside the simulated period"]),
    "fork not a date": (["plan", "no-programme"], ["--fork-at", "soon"], ["--fork-at", "'soon'", "expected a date"]),
    "fork impossible date": (["plan", "no-programme"], ["--fork-at", "2022-02-30"], ["'2022-02-30'", "expected a date"]),
    "different calendars": (["plan", "biweekly"], [], ["'plan' and 'biweekly' cannot be compared", "calendars"]),
    "unknown option": (["plan", "no-programme"], ["--replicate", "3"], ["unknown option '--replicate'", "did you mean '--replicates'?"]),
    "unknown fork option": (["plan", "no-programme"], ["--fork_at", FORK_AT], ["unknown option '--fork_at'", "did you mean '--fork-at'?"]),
    "zero replicates": (["plan", "no-programme"], ["--replicates", "0"], ["--replicates", "from 1 to 1000000"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exits_2_and_writes_nothing(run_kcsim, scenarios_dir, tmp_path, out_dir, case):
    names, options, fragments = BAD[case]
    (tmp_path / "biweekly.toml").write_text(BIWEEKLY, encoding="utf-8")
    files = [tmp_path / "biweekly.toml" if n == "biweekly" else scenarios_dir / f"{n}.toml" for n in names]
    proc = run_kcsim("compare", *files, *options, "--out", out_dir / "c.h5", cwd=out_dir)
    msg = assert_error(proc)
    for frag in fragments:
        assert frag in msg, msg
    assert_nothing_written(out_dir)


def test_bad_input_without_out_writes_nothing(run_kcsim, scenarios_dir, out_dir):
    # Without --out the default is outputs/compare-<names>.h5 below the current folder.
    proc = run_kcsim("compare", scenarios_dir / "plan.toml", scenarios_dir / "plan.toml", cwd=out_dir)
    assert "two scenarios are named 'plan'" in assert_error(proc)
    assert_nothing_written(out_dir)


# ---------------------------------------------------------------------------------------------
# Existing outputs


def test_existing_output_is_kept_without_force(run_kcsim, no_programme, plan, out_dir):
    out = out_dir / "c.h5"
    csv_path, md_path = summary_files(out)
    out.write_bytes(b"not an HDF5 file\n")
    proc = run_kcsim("compare", no_programme, plan, "--replicates", 1, "--out", out, cwd=out_dir)
    msg = assert_error(proc, code=1)
    assert "already exists" in msg and "--force" in msg
    assert out.read_bytes() == b"not an HDF5 file\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["c.h5"]
    # A summary file in the way stops the run too, before any work.
    out.unlink()
    csv_path.write_bytes(b"old,csv\n")
    proc = run_kcsim("compare", no_programme, plan, "--replicates", 1, "--out", out, cwd=out_dir)
    assert "already exists" in assert_error(proc, code=1)
    assert csv_path.read_bytes() == b"old,csv\n"
    assert sorted(p.name for p in out_dir.iterdir()) == [csv_path.name]
    assert not md_path.exists()


def test_force_replaces_every_output(run_kcsim, no_programme, plan, out_dir):
    out = out_dir / "c.h5"
    csv_path, md_path = summary_files(out)
    for p in (out, csv_path, md_path):
        p.write_bytes(b"old\n")
    proc = run_kcsim("compare", no_programme, plan, "--replicates", 2, "--seed", SEED, "--out", out, "--force", cwd=out_dir)
    assert proc.returncode == 0, proc.stderr
    # The printed table (not --quiet).
    assert "Comparison of 2 scenarios over 2 paired replicates; baseline no-programme" in proc.stdout
    assert "vs no-programme (95% CI)" in proc.stdout
    assert "Probability of meeting the outcome targets" in proc.stdout
    assert "Inputs delivered as scheduled" in proc.stdout
    assert f"wrote {out}, {csv_path} and {md_path}" in proc.stdout
    with h5py.File(out, "r") as f:
        assert f["comparison"].attrs["replicates"] == 2
    assert csv_path.read_text(encoding="utf-8").startswith("scenario,metric,unit,measure,")
    assert md_path.read_text(encoding="utf-8").startswith("# kcsim comparison")
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in (out, csv_path, md_path))


def test_baseline_option_chooses_the_baseline(run_kcsim, scenarios_dir, tmp_path):
    out = tmp_path / "b.h5"
    proc = run_kcsim("compare", scenarios_dir / "plan.toml", scenarios_dir / "no-programme.toml", "--baseline",
                     "no-programme", "--replicates", 2, "--threads", 2, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "baseline no-programme" in proc.stdout and "vs no-programme (95% CI)" in proc.stdout
    with h5py.File(out, "r") as f:
        assert f["comparison"].attrs["baseline"] == "no-programme"
    proc = run_kcsim("compare", scenarios_dir / "plan.toml", scenarios_dir / "no-programme.toml", "--baseline",
                     "no-programe", "--replicates", 2, "--out", tmp_path / "c.h5")
    assert proc.returncode == 2 and "did you mean 'no-programme'?" in proc.stderr, proc.stderr
    assert not (tmp_path / "c.h5").exists()


def test_summary_breaks_down_by_sub_region_and_named_districts(run_kcsim, scenarios_dir, tmp_path):
    import re

    out = tmp_path / "a.h5"
    proc = run_kcsim("compare", scenarios_dir / "no-programme.toml", scenarios_dir / "plan.toml", "--districts",
                     "yubei,kaizhou", "--replicates", 2, "--threads", 2, "--out", out)
    assert proc.returncode == 0, proc.stderr
    md = out.with_name("a.summary.md").read_text(encoding="utf-8")
    assert "## By sub-region and district: no-programme, and each scenario's difference from it (95% CI)" in md
    rows = {}
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 5 and cells[2] in ("metro", "northeast", "southeast", "yubei", "kaizhou"):
            metric = cells[0] or metric
            rows[(metric, cells[2])] = cells
    areas = ["metro", "northeast", "southeast", "yubei", "kaizhou"]
    assert all(("tech_firms (end)", a) in rows for a in areas), sorted(rows)
    # The sub-regions partition the city: their baseline means add up to the city's.
    number = lambda s: float(s.replace(",", ""))
    city = next(l for l in md.splitlines() if l.startswith("| tech_firms (end) | firms | no-programme |"))
    city_mean = number(city.strip("|").split("|")[3].strip())
    parts = sum(number(rows[("tech_firms (end)", a)][3]) for a in ["metro", "northeast", "southeast"])
    assert abs(parts - city_mean) <= 2, (parts, city_mean)
    # A new pilot (Yubei, in plan) gains; the plan's difference there is positive with its interval.
    assert re.fullmatch(r"\+[\d,.]+ \([\d,.]+ – [\d,.]+\)", rows[("problems_solved (total)", "yubei")][4])
    proc = run_kcsim("compare", scenarios_dir / "no-programme.toml", scenarios_dir / "plan.toml", "--districts",
                     "yubie", "--replicates", 2, "--out", tmp_path / "b.h5")
    assert proc.returncode == 2 and "did you mean 'yubei'?" in proc.stderr, proc.stderr
