"""What an analyst meets in the Python API (issue 20, "Analyst"): in-memory results carry the
labels of the files, a compare file opens in the shape of kcsim.compare, derived scenarios have
names of their own, levers explain bad arguments, plots name what they draw, and notebooks run
headless with the build's kernel spec and find the program by themselves."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import kcsim

SHORT = "[calendar]\nend = 2021-03-28\n"
LABELS = ("date", "district_name", "district_name_zh", "subregion", "district_kind", "metric_unit", "metric_kind")


@pytest.fixture(scope="module")
def short():
    return kcsim.derive(kcsim.load_scenario("builtin:base/programme-2021.toml"), SHORT, "short")


@pytest.fixture(scope="module")
def files(short, kcsim_bin, tmp_path_factory):
    """A `kcsim run` file and a `kcsim compare` file of two short scenarios, 2 replicates, seed 5."""
    root = tmp_path_factory.mktemp("analyst")
    more = kcsim.derive(short, {"enterprise.need_rate": 1.5}, "short-needy")
    paths = []
    for sc in (short, more):
        p = root / f"{sc.name}.toml"
        p.write_text(sc.resolved_toml, encoding="utf-8")
        paths.append(str(p))
    run_h5, cmp_h5 = root / "run.h5", root / "cmp.h5"
    for args in (["run", paths[0], "--out", str(run_h5)], ["compare", *paths, "--out", str(cmp_h5)]):
        proc = subprocess.run([str(kcsim_bin), *args, "--replicates", "2", "--seed", "5", "--quiet"],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    return {"run": run_h5, "compare": cmp_h5, "scenarios": (short, more)}


def test_in_memory_results_carry_the_labels_of_the_file(files):
    short, more = files["scenarios"]
    from_file = kcsim.open_results(str(files["run"]))
    ds = kcsim.run(short, replicates=2, seed=5, progress=False)
    cmp = kcsim.compare([short, more], replicates=2, seed=5, progress=False)
    sim = kcsim.simulation_metrics(kcsim.Simulation(short, seed=5, threads=1))
    for name in LABELS:
        expected = [str(v) for v in from_file[name].values]
        assert name in ds.coords, f"kcsim.run lacks the label {name!r} that the file has"
        assert [str(v) for v in ds[name].values] == expected, name
        assert [str(v) for v in cmp[name].values] == expected, name
        assert [str(v) for v in sim[name].values] == expected, name
    assert ds.metric_unit.sel(metric="tech_contract_value").item() == "million yuan"


def test_scenario_has_a_districts_table(files):
    short = files["scenarios"][0]
    table = short.district_table
    assert [d["id"] for d in table] == short.districts
    keys = {"id", "name", "name_zh", "kind", "subregion", "parent", "pilot", "pilot_since", "tech_firms_2020",
            "gdp_2020", "high_tech_share", "high_tech_firms_2020", "gdp_2021", "rd_intensity_2020", "st_rank_2021",
            "universities", "leading", "sector_shares", "readiness", "uptake", "firms_weight"}
    assert all(set(d) == keys for d in table)
    assert all(abs(sum(d["sector_shares"].values()) - 1) < 1e-12 for d in table)
    from_file = kcsim.open_results(str(files["run"]))
    assert [d["name_zh"] for d in table] == [str(v) for v in from_file.district_name_zh.values]
    assert [d["subregion"] for d in table] == [str(v) for v in from_file.subregion.values]
    assert {d["pilot"] for d in table} <= {"none", "municipal", "national"}
    assert all(d["pilot_since"] == "" for d in table if d["pilot"] == "none")
    assert all(isinstance(d["tech_firms_2020"], int) and d["tech_firms_2020"] >= 0 for d in table)
    assert sum(d["gdp_2020"] for d in table) > 0
    import pandas as pd

    frame = pd.DataFrame(table).set_index("id")
    assert frame.loc["kaizhou", "subregion"] == "northeast"


def test_a_compare_file_opens_in_the_shape_of_compare(files):
    short, more = files["scenarios"]
    cmp = kcsim.compare([short, more], replicates=2, seed=5, progress=False)
    from_file = kcsim.open_results(str(files["compare"]))
    for name in ("metrics", "ledger", "replicate_ok", "city", "summary", "targets"):
        assert name in from_file, f"open_results of a compare file lacks {name!r}"
        assert from_file[name].dims == cmp[name].dims, name
    assert from_file.metrics.values.tobytes() == cmp.metrics.values.tobytes()
    assert np.array_equal(from_file.summary.values, cmp.summary.values, equal_nan=True)
    assert np.array_equal(from_file.city.values, cmp.city.values, equal_nan=True)
    assert list(from_file.replicate_kept.values) == list(cmp.replicate_kept.values)
    assert list(from_file.scenario.values) == list(cmp.scenario.values)
    assert from_file.attrs["baseline"] == cmp.attrs["baseline"] == "short"
    kcsim.plots.fan_chart(from_file, "tech_firms")  # failed before: no metrics in the comparison group
    kcsim.plots.paired_differences(from_file, ["tech_firms", "problems_solved"])
    import matplotlib.pyplot as plt

    plt.close("all")
    # A group named explicitly is opened as stored.
    assert "replicate" in kcsim.open_results(str(files["compare"]), "comparison").city.dims


def test_a_wrong_group_lists_the_groups(files):
    with pytest.raises(ValueError) as err:
        kcsim.open_results(str(files["compare"]), "scenarios/plan")
    assert "scenarios/short" in str(err.value) and "scenarios/short-needy" in str(err.value)
    assert "comparison" in str(err.value)


def test_derive_names_the_variant_and_takes_dates_in_a_mapping(short):
    plan = kcsim.load_scenario("builtin:plan.toml")
    needy = kcsim.derive(plan, {"enterprise.need_rate": 1.5})
    assert needy.name != plan.name and needy.name.startswith("plan-")
    assert kcsim.derive(plan, {"enterprise.need_rate": 1.5}).name == needy.name  # stable
    assert kcsim.derive(plan, {"enterprise.need_rate": 1.6}).name != needy.name
    assert plan.derive("[enterprise]\nneed_rate = 1.5\n").name != plan.name
    assert kcsim.derive(plan, "name = \"mine\"\n").name == "mine"
    assert kcsim.derive(plan, {"enterprise.need_rate": 1.5}, "given").name == "given"
    # compare accepts a variant beside its parent (it refused two scenarios named 'short').
    variant = kcsim.derive(short, {"enterprise.need_rate": 1.5})
    ds = kcsim.compare([short, variant], replicates=1, seed=1, progress=False)
    assert list(ds.scenario.values) == ["short", variant.name]
    # Dates in a mapping: a datetime.date, or ISO text for a date parameter.
    base = kcsim.load_scenario("builtin:base/programme-2021.toml")
    a = kcsim.derive(base, {"calendar.end": datetime.date(2021, 3, 28)}, "a")
    b = kcsim.derive(base, {"calendar.end": "2021-03-28"}, "b")
    assert a.dates == b.dates == short.dates
    with pytest.raises(kcsim.ScenarioError) as err:
        kcsim.derive(base, {"calendar.end": "2021-02-30"}, "c")
    assert "without quotes" not in str(err.value)


def test_add_team_explains_bad_arguments(short):
    sim = kcsim.Simulation(short, seed=1, threads=1)
    cases = [
        (lambda: sim.add_team("manufacturing", ["kaizhou"]), "experts"),
        (lambda: sim.add_team("manufacturing", "kaizhou", 10), "list of district ids"),
        (lambda: sim.add_team("manufacturing", ["kaizhou"], 1.5), "whole number"),
        (lambda: sim.add_team("manufacturing", ["kaizhou"], experts="10"), "whole number"),
        (lambda: sim.add_team(["kaizhou"], "manufacturing", 10), "sector"),
        (lambda: sim.add_team("manufacturing", ["kaizhou"], expert=10), "expert"),
    ]
    for call, words in cases:
        with pytest.raises(TypeError) as err:
            call()
        assert "incompatible function arguments" not in str(err.value)
        assert words in str(err.value)
    with pytest.raises(ValueError, match="did you mean 'kaizhou'"):
        sim.add_team("manufacturing", ["Kaizhuo"], 10)
    sim.add_team("manufacturing", ("kaizhou", "yunyang"), np.int64(12))  # any sequence, numpy ints
    sim.step()


def test_set_pilot_suggests_a_district(short):
    sim = kcsim.Simulation(short, seed=1, threads=1)
    for typed in ("Kaizhou", "KAIZHOU", "kaizou"):
        with pytest.raises(ValueError, match="did you mean 'kaizhou'"):
            sim.set_pilot(typed, "municipal")
    with pytest.raises(ValueError, match="Scenario.districts"):
        sim.set_pilot("atlantis", "municipal")


def test_plots_name_what_they_draw(files):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cmp = kcsim.open_results(str(files["compare"]))
    fig = kcsim.plots.paired_differences(cmp, ["tech_firms", "problems_solved", "innovations", "expert_services"])
    for ax in fig.axes:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert any("short-needy" in t for t in labels), f"{ax.get_title()}: no scenario names in {labels}"
    four = ["wanzhou", "kaizhou", "yubei", "yunyang"]
    title = kcsim.plots.fan_chart(cmp, "tech_firms", district=four).get_title()
    assert all(d in title for d in four), title
    many = kcsim.plots.fan_chart(cmp, "tech_firms", district=cmp.district.values[:20].tolist()).get_title()
    assert "wanzhou" in many or str(cmp.district.values[0]) in many
    assert "more (20 districts)" in many and len(many) < 120, many
    plt.close("all")


def test_program_path_is_the_own_build():
    own = Path(kcsim.__file__).resolve().parents[2] / "bin" / "kcsim"
    env = {k: v for k, v in os.environ.items() if k != "KCSIM_BIN"}
    code = "import kcsim; print(kcsim.program_path())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert Path(out.strip()) == own
    env["KCSIM_BIN"] = "/somewhere/kcsim"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "/somewhere/kcsim"


def test_the_build_has_a_kernel_spec_that_runs_a_copied_notebook_headless(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    build = Path(kcsim.__file__).resolve().parents[2]
    spec = build / "jupyter" / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    assert spec.is_file(), f"the build wrote no kernel spec at {spec}"
    argv = json.loads(spec.read_text(encoding="utf-8"))["argv"]
    assert Path(argv[0]).name.startswith("python") and (Path(argv[0]).parent.parent / "pyvenv.cfg").is_file(), argv
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell(
        "import subprocess, kcsim\n"
        "print(subprocess.run([kcsim.program_path(), '--version'], capture_output=True, text=True, check=True).stdout)"))
    env = {k: v for k, v in os.environ.items() if k not in ("KCSIM_BIN", "PYTHONPATH", "JUPYTER_PATH")}
    env.update(JUPYTER_PATH=str(spec.parents[2]), IPYTHONDIR=str(tmp_path / "ipython"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "kcsim" in text, nb.cells[0].outputs
