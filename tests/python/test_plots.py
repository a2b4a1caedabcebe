"""kcsim.plots on small real data (a half-year calendar, a few replicates), drawn with Agg: each
function returns axes with the expected lines, bars or panels, titled with the metric, and the
city figures follow the rules of docs/output-format.md."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kcsim  # noqa: E402
from kcsim import plots  # noqa: E402

SHORT = "[calendar]\nend = 2021-06-27\n"
SWEEP_BASE = 'extends = "builtin:base/programme-2021.toml"\n' + SHORT


def _suptitle(fig) -> str:
    if hasattr(fig, "get_suptitle"):  # matplotlib >= 3.8
        return fig.get_suptitle()
    return fig._suptitle.get_text() if fig._suptitle is not None else ""


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def short():
    return kcsim.derive(kcsim.load_scenario("builtin:base/programme-2021.toml"), SHORT, "short")


@pytest.fixture(scope="module")
def run_ds(short):
    return kcsim.run(short, replicates=3, seed=7, threads=2, progress=False)


@pytest.fixture(scope="module")
def cmp(short):
    off = kcsim.derive(short, {"programme.enabled": False}, "off")
    busy = kcsim.derive(short, {"experts.services_per_expert_week": 1.0}, "busy")
    return kcsim.compare([off, short, busy], replicates=3, seed=7, threads=2, progress=False)


def _sweep(tmp_path_factory, design: str, samples: int):
    folder = tmp_path_factory.mktemp(design)
    (folder / "base.toml").write_text(SWEEP_BASE, encoding="utf-8")
    (folder / "s.toml").write_text(textwrap.dedent(f"""
        name = "{design}"
        scenario = "base.toml"
        design = "{design}"
        samples = {samples}
        outcomes = ["expert_services", "problems_solved"]
        [[uncertain]]
        key = "experts.services_per_expert_week"
        min = 0.25
        max = 1.0
        [[uncertain]]
        key = "enterprise.need_rate"
        min = 0.5
        max = 1.5
        [[uncertain]]
        key = "programme.post_share_aware"
        min = 0.3
        max = 0.8
    """), encoding="utf-8")
    return kcsim.sweep(str(folder / "s.toml"), threads=2, progress=False)


@pytest.fixture(scope="module")
def morris(tmp_path_factory):
    return _sweep(tmp_path_factory, "morris", 2)


@pytest.fixture(scope="module")
def sobol(tmp_path_factory):
    return _sweep(tmp_path_factory, "saltelli", 2)


def test_import_kcsim_does_not_import_matplotlib():
    code = "import sys, kcsim; kcsim.plots; assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_units_and_kinds_match_the_program(kcsim_bin):
    assert list(plots.METRIC_UNITS) == kcsim.metric_names()
    assert list(plots.METRIC_KINDS) == kcsim.metric_names()
    out = subprocess.run([str(kcsim_bin), "metrics"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        match = re.match(r"^(\S+)\s+(.+?)\s+(stock|flow|state|mean)\s", line)
        assert match, line
        name, unit, kind = match.groups()
        assert plots.METRIC_UNITS[name] == unit, name
        assert plots.METRIC_KINDS[name] == kind, name


# --- fan_chart ---------------------------------------------------------------------------------


def test_fan_chart_of_a_run(run_ds):
    ax = plots.fan_chart(run_ds, "tech_firms")
    assert len(ax.lines) == 1
    assert "tech_firms" in ax.get_title() and "firms" in ax.get_title()
    assert len(ax.collections) == 2  # the 5-95% and 25-75% bands
    city = run_ds.metrics.sel(metric="tech_firms").sum("district").median("replicate").values
    assert np.allclose(ax.lines[0].get_ydata(), city)
    assert ax.get_legend() is not None


def test_fan_chart_of_a_comparison_draws_one_median_per_scenario(cmp):
    ax = plots.fan_chart(cmp, "problems_solved", quantiles=(0.1, 0.9))
    assert len(ax.lines) == 3
    assert [line.get_label() for line in ax.lines] == ["off", "short", "busy"]
    assert len(ax.collections) == 3  # one band each
    assert "problems_solved" in ax.get_title() and "per week" in ax.get_title()


def test_fan_chart_on_a_given_axes_per_district(cmp):
    fig, axes = plt.subplots(1, 2)
    ax = plots.fan_chart(cmp, "expert_services", district=["wanzhou", "yuzhong"], city=False, ax=axes[1],
                         scenarios="short", cumulative=True)
    assert ax is axes[1]
    assert [line.get_label() for line in ax.lines] == ["wanzhou", "yuzhong"]
    expected = cmp.metrics.sel(scenario="short", district="wanzhou", metric="expert_services").cumsum("time")
    assert np.allclose(ax.lines[0].get_ydata(), expected.median("replicate").values)
    with pytest.raises(ValueError, match="cumulative"):
        plots.fan_chart(cmp, "tech_firms", cumulative=True)
    with pytest.raises(ValueError, match="tech_firms"):
        plots.fan_chart(cmp, "tech_firm")
    with pytest.raises(ValueError, match="district"):
        plots.fan_chart(cmp, "tech_firms", district="atlantis")


def test_fan_chart_city_rules(short):
    ds = kcsim.run(short, replicates=1, seed=3, progress=False)  # one replicate: the median is the value
    m = ds.metrics.isel(replicate=0)
    pilots = plots.fan_chart(ds, "pilot_status").lines[0].get_ydata()
    assert np.array_equal(pilots, (m.sel(metric="pilot_status") > 0).sum("district").values)
    assert pilots[-1] >= 12
    aware = plots.fan_chart(ds, "awareness").lines[0].get_ydata()
    firms = m.sel(metric="firms")
    assert np.allclose(aware, (m.sel(metric="awareness") * firms).sum("district") / firms.sum("district"))
    effort = plots.fan_chart(ds, "district_effort").lines[0].get_ydata()
    assert np.allclose(effort, m.sel(metric="district_effort").mean("district"))
    one = plots.fan_chart(ds, "awareness", district="wanzhou").lines[0].get_ydata()
    assert np.allclose(one, m.sel(metric="awareness", district="wanzhou"))


def test_fan_chart_of_a_live_simulation(short):
    sim = kcsim.Simulation(short, seed=2)
    sim.step(5)
    ax = plots.fan_chart(kcsim.simulation_metrics(sim), "firms")
    y = ax.lines[0].get_ydata()
    assert np.isfinite(y[:5]).all() and np.isnan(y[5:]).all()


# --- paired_differences ------------------------------------------------------------------------


def test_paired_differences_one_panel_per_metric(cmp):
    fig = plots.paired_differences(cmp)
    assert len(fig.axes) == len(plots.DEFAULT_OUTCOMES)
    for ax, metric in zip(fig.axes, plots.DEFAULT_OUTCOMES):
        assert metric in ax.get_title()
        assert len(ax.patches) == 2  # every scenario but the baseline
    assert "off" in _suptitle(fig)


def test_paired_differences_bars_are_the_summary(cmp):
    ax = plots.paired_differences(cmp, "expert_services")
    assert "expert_services" in ax.get_title() and "total" in ax.get_title()
    widths = [p.get_width() for p in ax.patches]
    expected = [float(cmp.summary.sel(scenario=s, metric="expert_services", statistic="diff_mean"))
                for s in ("short", "busy")]
    assert np.allclose(widths, expected)
    assert widths[1] > widths[0] > 0  # busier experts, more services
    fig, axes = plt.subplots(1, 2)
    assert plots.paired_differences(cmp, ["tech_firms"], ax=axes[0]) is axes[0]
    with pytest.raises(ValueError):
        plots.paired_differences(cmp, ["tech_firms", "innovations"], ax=axes[1])


# --- district_small_multiples ------------------------------------------------------------------


def test_district_small_multiples_one_panel_per_district(cmp):
    fig = plots.district_small_multiples(cmp, "problems_solved", scenario=["short", "busy"])
    districts = [str(d) for d in cmp.district.values]
    assert len(fig.axes) == len(districts)
    assert [ax.get_title() for ax in fig.axes] == districts
    assert all(len(ax.lines) == 2 for ax in fig.axes)
    assert "problems_solved" in _suptitle(fig)
    median = cmp.metrics.sel(scenario="busy", district=districts[3], metric="problems_solved").median("replicate")
    assert np.allclose(fig.axes[3].lines[1].get_ydata(), median.values)


def test_district_small_multiples_of_a_run_with_a_subset(run_ds):
    fig = plots.district_small_multiples(run_ds, "tech_firms", ncols=2, districts=["yuzhong", "wanzhou", "kaizhou"])
    assert [ax.get_title() for ax in fig.axes] == ["yuzhong", "wanzhou", "kaizhou"]
    assert all(len(ax.lines) == 1 for ax in fig.axes)


# --- sensitivity_ranking -----------------------------------------------------------------------


def test_sensitivity_ranking_morris(morris):
    ax = plots.sensitivity_ranking(morris, "expert_services")
    assert "expert_services" in ax.get_title() and "Morris" in ax.get_title()
    assert len(ax.patches) == 2 * 3  # mu* and sigma per parameter
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "experts.services_per_expert_week"  # ranked first, drawn at the top
    mu = morris.morris_mu_star.sel(policy_id=0, outcome="expert_services")
    assert np.isclose(ax.patches[0].get_width(), float(mu.sel(parameter=labels[0])))


def test_sensitivity_ranking_sobol(sobol):
    ax = plots.sensitivity_ranking(sobol, "problems_solved")
    assert "problems_solved" in ax.get_title() and "Sobol" in ax.get_title()
    assert len(ax.patches) == 2 * 3  # ST and S1 per parameter
    st = sobol.sobol_st.sel(policy_id=0, outcome="problems_solved")
    widths = [p.get_width() for p in ax.patches[:3]]
    assert np.allclose(sorted(widths, reverse=True), widths)  # ranked by ST
    assert np.allclose(sorted(widths), sorted(st.values))


def test_sensitivity_ranking_errors(morris):
    with pytest.raises(ValueError, match="outcome"):
        plots.sensitivity_ranking(morris, "tech_firms")
    with pytest.raises(ValueError, match="policy"):
        plots.sensitivity_ranking(morris, "expert_services", policy=1)
    with pytest.raises(ValueError, match="indices"):
        plots.sensitivity_ranking(morris.drop_vars(["morris_mu", "morris_mu_star", "morris_sigma"]),
                                  "expert_services")
