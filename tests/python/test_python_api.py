"""The Python API: scenarios, stepping with zero-copy metrics, levers mid-run, ensembles as
xarray, the GIL released during long calls, Ctrl-C, and agreement with the command line."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import kcsim

SHORT = "[calendar]\nend = 2021-06-27\n"


@pytest.fixture(scope="module")
def plan():
    return kcsim.load_scenario("builtin:plan.toml")


@pytest.fixture(scope="module")
def short():
    return kcsim.derive(kcsim.load_scenario("builtin:base/programme-2021.toml"), SHORT, "short")


def test_scenarios_load_inspect_and_derive(plan):
    assert plan.name == "plan" and plan.steps == 156 and len(plan.districts) == 41
    assert plan.params["enterprise.need_rate"] == 1.0
    assert plan.params["rewards.rule"] == "proportional"
    variant = kcsim.derive(plan, {"enterprise.need_rate": 1.5, "rewards.rule": "tournament", "programme.forums": False})
    assert variant.params["enterprise.need_rate"] == 1.5
    assert variant.params["rewards.rule"] == "tournament"
    assert variant.params["programme.forums"] is False
    assert plan.params["enterprise.need_rate"] == 1.0  # the base is immutable
    assert variant.sha256 != plan.sha256


def test_scenario_errors_are_value_errors_with_location(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "builtin:plan.toml"\n[enterprise]\nneed_rte = 1\n', encoding="utf-8")
    with pytest.raises(kcsim.ScenarioError) as info:
        kcsim.load_scenario(str(bad))
    err = info.value
    assert isinstance(err, ValueError)
    assert err.file == str(bad) and err.line == 3 and err.column == 1
    assert err.key == "enterprise.need_rte" and "did you mean 'need_rate'" in str(err)
    with pytest.raises(kcsim.ScenarioError):
        kcsim.derive(kcsim.load_scenario("builtin:plan.toml"), {"enterprise.need_rate": -1})


def test_metrics_view_shares_memory_with_cpp(short):
    sim = kcsim.Simulation(short, seed=3)
    view = sim.metrics_view
    assert not view.flags.writeable and not view.flags.owndata
    assert np.isnan(view).all()
    sim.step(2)
    assert np.isfinite(view[:2]).all() and np.isnan(view[2:]).all()  # the same memory, updated in place
    again = sim.metrics_view
    assert np.shares_memory(view, again)
    with pytest.raises(ValueError):
        view[0, 0, 0] = 1.0
    del sim  # the view keeps the simulation alive
    assert np.isfinite(view[0]).all()


def test_levers_mid_run_and_snapshots(short):
    sim = kcsim.Simulation(short, seed=5)
    sim.run_until("2021-02-28")
    district = short.districts.index("kaizhou")
    status = kcsim.metric_names().index("pilot_status")
    k = sim.steps_done
    assert sim.metrics_view[k - 1, district, status] == 0
    state = sim.snapshot()
    sim.set_pilot("kaizhou", "municipal")
    sim.step()
    assert sim.metrics_view[k, district, status] == 1
    # Restoring the snapshot and continuing reproduces a run that never pulled the lever.
    sim.restore(state)
    sim.run()
    straight = kcsim.Simulation(short, seed=5)
    straight.run()
    assert np.array_equal(sim.metrics_view, straight.metrics_view)
    with pytest.raises(ValueError):
        sim.set_pilot("nowhere", "municipal")


def test_run_matches_the_command_line(plan, kcsim_bin, tmp_path):
    ds = kcsim.run(plan, replicates=2, seed=11, threads=2)
    assert ds.metrics.dims == ("replicate", "time", "district", "metric")
    assert (ds.replicate_ok == 1).all()
    out = tmp_path / "cli.h5"
    proc = subprocess.run([str(kcsim_bin), "run", "builtin:plan.toml", "--replicates", "2", "--seed", "11", "--out", str(out), "--quiet"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    cli = kcsim.open_results(str(out))
    assert cli.metrics.values.tobytes() == ds.metrics.values.tobytes()
    assert np.array_equal(cli.ledger.values, ds.ledger.values)
    assert list(cli.metric.values) == list(ds.metric.values)


def test_long_calls_release_the_gil(plan):
    # Python code keeps running in another thread while a simulation runs: with the GIL held
    # for the whole call the counter below would stall until the run ends.
    def spin(seconds):
        n, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            n += 1
        return n

    alone = spin(0.3) / 0.3
    sim = kcsim.Simulation(plan, seed=1, threads=1)
    runner = threading.Thread(target=sim.run)
    t0 = time.perf_counter()
    runner.start()
    counted = 0
    while runner.is_alive():
        counted += spin(0.05)
    elapsed = time.perf_counter() - t0
    runner.join()
    assert sim.done
    assert elapsed > 0.2  # long enough to tell
    assert counted > 0.25 * alone * elapsed, (counted, alone * elapsed)


def test_ctrl_c_stops_a_long_run_cleanly(tmp_path):
    script = tmp_path / "long.py"
    script.write_text(textwrap.dedent("""
        import sys, kcsim
        try:
            kcsim.run("builtin:plan.toml", replicates=400, threads=1)
        except KeyboardInterrupt:
            print("interrupted cleanly")
            sys.exit(0)
        print("finished")
    """), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "interrupted cleanly" in out


def test_open_results_round_trip(short, tmp_path, kcsim_bin):
    out = tmp_path / "r.h5"
    path = tmp_path / "short.toml"
    path.write_text(short.resolved_toml, encoding="utf-8")
    proc = subprocess.run([str(kcsim_bin), "run", str(path), "--replicates", "2", "--seed", "4", "--out", str(out), "--quiet"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    ds = kcsim.open_results(str(out))
    again = kcsim.run(short, replicates=2, seed=4)
    assert np.array_equal(ds.metrics.values, again.metrics.values)
    assert str(ds.time.values[0])[:10] == short.dates[0]


def test_compare_matches_the_command_line(kcsim_bin, scenarios_dir, tmp_path):
    import h5py

    ds = kcsim.compare([str(scenarios_dir / "no-programme.toml"), str(scenarios_dir / "plan.toml")], replicates=2,
                       seed=17, threads=2, progress=False)
    assert list(ds.scenario.values) == ["no-programme", "plan"]
    out = tmp_path / "c.h5"
    proc = subprocess.run([str(kcsim_bin), "compare", str(scenarios_dir / "no-programme.toml"), str(scenarios_dir / "plan.toml"),
                           "--replicates", "2", "--seed", "17", "--out", str(out), "--quiet"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with h5py.File(out) as f:
        assert np.array_equal(f["comparison/summary"][...], ds.summary.values, equal_nan=True)
        assert np.array_equal(f["comparison/targets"][...], ds.targets.values)
        assert f["scenarios/plan/metrics"][...].tobytes() == ds.metrics.sel(scenario="plan").values.tobytes()
    # The programme solves problems the counterfactual does not: a positive paired difference.
    assert float(ds.summary.sel(scenario="plan", metric="problems_solved", statistic="diff_lo95")) > 0


def test_sweep_from_python(tmp_path):
    (tmp_path / "base.toml").write_text(
        'extends = "builtin:base/programme-2021.toml"\n' + SHORT, encoding="utf-8")
    sweep = tmp_path / "s.toml"
    sweep.write_text(textwrap.dedent("""
        name = "py"
        scenario = "base.toml"
        design = "morris"
        samples = 2
        outcomes = ["expert_services"]
        [[uncertain]]
        key = "experts.services_per_expert_week"
        min = 0.25
        max = 1.0
        [[uncertain]]
        key = "enterprise.need_rate"
        min = 0.5
        max = 1.5
    """), encoding="utf-8")
    ds = kcsim.sweep(str(sweep), threads=2, progress=False)
    assert ds.outcomes.dims == ("experiment", "replicate", "metric")
    assert ds.sizes["experiment"] == 2 * 3
    mu = ds.morris_mu_star.sel(policy_id=0, outcome="expert_services")
    assert float(mu.sel(parameter="experts.services_per_expert_week")) > float(mu.sel(parameter="enterprise.need_rate"))
    assert ds.attrs["failed_replicates"] == 0
    misspelt = tmp_path / "misspelt.toml"
    misspelt.write_text(sweep.read_text(encoding="utf-8").replace('"expert_services"', '"expert_service"'),
                        encoding="utf-8")
    with pytest.raises(ValueError, match="no such metric; did you mean 'expert_services'"):
        kcsim.sweep(str(misspelt))
    with pytest.raises(kcsim.ScenarioError):
        bad = tmp_path / "bad.toml"
        bad.write_text('scenario = "base.toml"\ndesign = "morriss"\n', encoding="utf-8")
        kcsim.sweep(str(bad))


def test_firm_views_share_memory_and_block_steps_while_alive(short):
    import gc

    sim = kcsim.Simulation(short, seed=2)
    sim.step(3)
    view = sim.firm_view("awareness")
    assert not view.flags.writeable and not view.flags.owndata
    assert np.array_equal(view, sim.firm_column("awareness"))
    again = sim.firm_view("awareness")
    assert np.shares_memory(view, again)  # both are the C++ column itself
    assert sim.firm_views_alive == 2
    with pytest.raises(ValueError, match="view"):
        sim.step()  # a step could add firms and move the column: refused while views live
    del view, again
    gc.collect()
    assert sim.firm_views_alive == 0
    sim.step()
    assert sim.steps_done == 4
    with pytest.raises(ValueError):
        sim.firm_view("no_such_column")
