"""Crash safety of long jobs: a comparison or sweep killed with SIGKILL part-way and resumed
gives the same results as an uninterrupted run, and nothing completed is lost."""

from __future__ import annotations

import subprocess

import time

from conftest import assert_same_datasets, kill_session, kill_when_units_exist, start_job_holding_its_lock


def test_killed_comparison_resumes_to_the_same_file(kcsim_bin, scenarios_dir, tmp_path):
    out, ref = tmp_path / "c.h5", tmp_path / "ref.h5"
    args = [kcsim_bin, "compare", scenarios_dir / "no-programme.toml", scenarios_dir / "plan.toml",
            "--replicates", "4", "--threads", "2", "--quiet"]
    partial = tmp_path / "c.h5.partial"
    finished = kill_when_units_exist([*args, "--out", out], partial, units=1)
    if not finished:
        assert not out.exists()  # killed: no file that looks complete
        done = sorted(partial.glob("unit-*.bin"))
        assert done, "the finished replicates must be durable"
        # Without --resume the leftovers are not silently discarded.
        proc = subprocess.run([*map(str, args), "--out", str(out)], capture_output=True, text=True)
        assert proc.returncode == 1 and "--resume" in proc.stderr
        proc = subprocess.run([*map(str, args), "--out", str(out), "--resume"], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    assert out.exists() and not partial.exists()
    proc = subprocess.run([*map(str, args), "--out", str(ref)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert_same_datasets(out, ref, ["scenarios/plan/metrics", "scenarios/no-programme/metrics", "scenarios/plan/ledger",
                    "comparison/city", "comparison/summary", "comparison/targets"])


def test_resume_refuses_units_of_another_job(kcsim_bin, scenarios_dir, tmp_path):
    out = tmp_path / "c.h5"
    base = [kcsim_bin, "compare", scenarios_dir / "no-programme.toml", scenarios_dir / "plan.toml",
            "--replicates", "3", "--quiet", "--out", out]
    kill_when_units_exist(base, tmp_path / "c.h5.partial", units=1)
    if (tmp_path / "c.h5.partial").exists():
        proc = subprocess.run([*map(str, base), "--seed", "99", "--resume"], capture_output=True, text=True)
        assert proc.returncode == 2, proc.stderr
        assert "different job" in proc.stderr
        # A unit of the same job in an older unit format (KCSUNIT2: the metrics, no summary).
        unit = sorted((tmp_path / "c.h5.partial").glob("unit-*.bin"))[0]
        data = bytearray(unit.read_bytes())
        assert data[:8] == b"KCSUNIT4"
        data[7:8] = b"2"
        unit.write_bytes(bytes(data))
        proc = subprocess.run([*map(str, base), "--resume"], capture_output=True, text=True)
        assert proc.returncode == 2, proc.stderr
        assert "another version of kcsim" in proc.stderr


SWEEP = """\
name = "r"
scenario = "base.toml"
design = "latin_hypercube"
samples = 6
replicates = 1
[[uncertain]]
key = "enterprise.need_rate"
min = 0.5
max = 1.5
"""


def test_killed_sweep_resumes_to_the_same_outcomes(kcsim_bin, tmp_path):
    (tmp_path / "base.toml").write_text(
        'extends = "builtin:base/programme-2021.toml"\n[calendar]\nend = 2021-06-27\n', encoding="utf-8"
    )
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP, encoding="utf-8")
    out, ref = tmp_path / "s.h5", tmp_path / "ref.h5"
    args = [kcsim_bin, "sweep", sweep, "--threads", "2", "--quiet"]
    finished = kill_when_units_exist([*args, "--out", out], tmp_path / "s.h5.partial", units=2)
    if not finished:
        proc = subprocess.run([*map(str, args), "--out", str(out), "--resume"], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([*map(str, args), "--out", str(ref)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert_same_datasets(out, ref, ["sweep/outcomes", "sweep/enterprise.need_rate"])


def test_a_resume_while_the_job_still_runs_is_refused(kcsim_bin, scenarios_dir, tmp_path):
    # Two kcsim on one job would mix their units: the second is refused while the first holds
    # the folder's lock (as a resume started while a killed mpirun's ranks still run would be).
    out, partial = tmp_path / "c.h5", tmp_path / "c.h5.partial"
    first, args = start_job_holding_its_lock(kcsim_bin, scenarios_dir, out)
    try:
        second = subprocess.run([*map(str, args), "--resume"], capture_output=True, text=True)
        assert second.returncode == 1, second.stderr
        assert "in use by another kcsim" in second.stderr and str(partial) in second.stderr
        assert first.poll() is None  # undisturbed
    finally:
        kill_session(first)
    assert partial.is_dir() and not out.exists()
