"""Crash safety of long jobs: a comparison or sweep killed with SIGKILL part-way and resumed
gives the same results as an uninterrupted run, and nothing completed is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from conftest import assert_same_datasets


def kill_when_units_exist(cmd, partial, units=1, timeout=240):
    proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.time()
    try:
        while time.time() - start < timeout:
            if partial.is_dir() and len(list(partial.glob("unit-*.bin"))) >= units:
                break
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        finished_first = proc.poll() is not None
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        finished_first = True
    proc.wait()
    return finished_first


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
        # A unit of the same job in an older unit format (KCSUNIT1: no encoded metrics chunks).
        unit = sorted((tmp_path / "c.h5.partial").glob("unit-*.bin"))[0]
        data = bytearray(unit.read_bytes())
        assert data[:8] == b"KCSUNIT2"
        data[7:8] = b"1"
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
