"""Batch runs under MPI (OpenMPI): the same results as one process for any number of ranks,
resumable after all ranks are killed, and bad input refused on every rank."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import MPI_ENV, assert_same_datasets, kill_when_units_exist

MPIRUN = shutil.which("mpirun")

pytestmark = pytest.mark.skipif(MPIRUN is None, reason="mpirun not installed (scripts/install-deps.sh installs it)")


def mpirun(n, *args, timeout=600):
    cmd = [MPIRUN, "-n", str(n), "--bind-to", "none", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, env=MPI_ENV, timeout=timeout)


COMPARE_DATA = ["scenarios/plan/metrics", "scenarios/no-programme/metrics", "scenarios/plan/ledger",
                "scenarios/plan/replicate_ok", "comparison/city", "comparison/summary", "comparison/targets"]


@pytest.fixture(scope="module")
def single(kcsim_bin, scenarios_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("single") / "c.h5"
    proc = subprocess.run([str(kcsim_bin), "compare", str(scenarios_dir / "no-programme.toml"),
                           str(scenarios_dir / "plan.toml"), "--replicates", "4", "--out", str(out), "--quiet"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize("ranks", [1, 3])
def test_compare_under_mpirun_equals_one_process(kcsim_bin, scenarios_dir, single, tmp_path, ranks):
    out = tmp_path / "c.h5"
    proc = mpirun(ranks, kcsim_bin, "compare", scenarios_dir / "no-programme.toml", scenarios_dir / "plan.toml",
                  "--replicates", "4", "--threads", "1", "--out", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert_same_datasets(single, out, COMPARE_DATA)
    # Only rank 0 writes: one output, no leftovers.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.h5", "c.summary.csv", "c.summary.md"]


SWEEP = """\
name = "m"
scenario = "base.toml"
design = "morris"
samples = 2
replicates = 1
[[uncertain]]
key = "enterprise.need_rate"
min = 0.5
max = 1.5
[[uncertain]]
key = "experts.services_per_expert_week"
min = 0.25
max = 1.0
"""


def test_sweep_under_mpirun_equals_one_process(kcsim_bin, tmp_path):
    (tmp_path / "base.toml").write_text(
        'extends = "builtin:base/programme-2021.toml"\n[calendar]\nend = 2021-06-27\n', encoding="utf-8"
    )
    (tmp_path / "s.toml").write_text(SWEEP, encoding="utf-8")
    one = subprocess.run([str(kcsim_bin), "sweep", str(tmp_path / "s.toml"), "--out", str(tmp_path / "one.h5"), "--quiet"],
                         capture_output=True, text=True)
    assert one.returncode == 0, one.stderr
    proc = mpirun(3, kcsim_bin, "sweep", tmp_path / "s.toml", "--out", tmp_path / "three.h5", "--quiet", "--threads", "1")
    assert proc.returncode == 0, proc.stderr
    assert_same_datasets(tmp_path / "one.h5", tmp_path / "three.h5", ["sweep/outcomes", "sweep/morris_mu_star", "sweep/morris_sigma"])


def test_killed_mpi_batch_resumes_to_the_same_results(kcsim_bin, scenarios_dir, single, tmp_path):
    out = tmp_path / "c.h5"
    partial = tmp_path / "c.h5.partial"
    args = [MPIRUN, "-n", "3", "--bind-to", "none", str(kcsim_bin), "compare", str(scenarios_dir / "no-programme.toml"),
            str(scenarios_dir / "plan.toml"), "--replicates", "4", "--threads", "1", "--out", str(out), "--quiet"]
    kill_when_units_exist(args, partial, units=1, timeout=300, env=MPI_ENV)  # mpirun and every rank
    if not out.exists():
        assert partial.is_dir() and list(partial.glob("unit-*.bin")), "finished units must survive the kill"
        resumed = mpirun(3, *args[5:], "--resume")
        assert resumed.returncode == 0, resumed.stderr
    assert not partial.exists()
    assert_same_datasets(single, out, COMPARE_DATA)


def test_bad_job_file_fails_on_every_rank_writing_nothing(kcsim_bin, scenarios_dir, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "builtin:plan.toml"\n[enterprise]\nneed_rte = 1\n', encoding="utf-8")
    proc = mpirun(3, kcsim_bin, "compare", bad, scenarios_dir / "plan.toml", "--out", tmp_path / "x.h5")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("bad.toml:3:1: unknown key 'enterprise.need_rte'") == 1  # rank 0 for all
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_mpi4py_driver_equals_kcsim_run(tmp_path):
    pytest.importorskip("mpi4py")
    import sys

    script = tmp_path / "drive.py"
    script.write_text(
        "import kcsim, kcsim.mpi\n"
        "ds = kcsim.mpi.run('builtin:base/programme-2021.toml', replicates=4, seed=9)\n"
        "if ds is not None:\n"
        "    ref = kcsim.run('builtin:base/programme-2021.toml', replicates=4, seed=9, progress=False)\n"
        "    assert ds.metrics.values.tobytes() == ref.metrics.values.tobytes()\n"
        "    print('identical on', ds.attrs['ranks'], 'ranks')\n",
        encoding="utf-8",
    )
    env = {**MPI_ENV, "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([MPIRUN, "-n", "3", "--bind-to", "none", sys.executable, str(script)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "identical on 3 ranks" in proc.stdout


def test_refusal_on_rank_0_stops_every_rank(kcsim_bin, scenarios_dir, tmp_path):
    out = tmp_path / "exists.h5"
    out.write_text("precious", encoding="utf-8")
    proc = mpirun(2, kcsim_bin, "compare", scenarios_dir / "no-programme.toml", scenarios_dir / "plan.toml",
                  "--replicates", "2", "--out", out, "--quiet", timeout=120)  # used to hang here
    assert proc.returncode != 0
    assert proc.stderr.count("already exists") == 1 and "refused" not in proc.stderr, proc.stderr
    assert out.read_text(encoding="utf-8") == "precious"
    # With mpirun --quiet, kcsim's line is all there is.
    quiet = subprocess.run([MPIRUN, "--quiet", "-n", "2", "--bind-to", "none", str(kcsim_bin), "compare",
                            str(scenarios_dir / "no-programme.toml"), str(scenarios_dir / "plan.toml"), "--replicates",
                            "2", "--out", str(out), "--quiet"], capture_output=True, text=True, env=MPI_ENV, timeout=120)
    assert quiet.returncode != 0 and quiet.stderr.strip().splitlines()[-1].startswith("kcsim: error: "), quiet.stderr
