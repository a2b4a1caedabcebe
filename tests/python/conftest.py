"""Shared fixtures for the kcsim pytest suite.

The suite drives the built program (``build/bin/kcsim``, or ``$KCSIM_BIN`` as CTest sets it)
as a user would, and reads its HDF5 output with h5py and xarray. Run it with the project's
venv: ``.venv/bin/python -m pytest tests/python`` (or ``ctest --test-dir build -R python``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _kcsim_bin() -> Path:
    return Path(os.environ.get("KCSIM_BIN", REPO_ROOT / "build" / "bin" / "kcsim")).resolve()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def scenarios_dir(repo_root: Path) -> Path:
    return repo_root / "scenarios"


@pytest.fixture(scope="session")
def kcsim_bin() -> Path:
    path = _kcsim_bin()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"kcsim binary not found at {path}: build it (make build) or set KCSIM_BIN")
    return path


def _run(binary: Path, args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(binary), *map(str, args)],
        cwd=None if cwd is None else str(cwd),
        text=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def run_kcsim(kcsim_bin: Path):
    """run_kcsim(*args, cwd=None) -> CompletedProcess (text, stdout/stderr captured, 300 s timeout)."""

    def run(*args, cwd=None) -> subprocess.CompletedProcess:
        return _run(kcsim_bin, args, cwd=cwd)

    return run


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty folder for output files, separate from the scenario files a test writes."""
    d = tmp_path / "out"
    d.mkdir()
    return d


@pytest.fixture(scope="session")
def session_runs(tmp_path_factory, kcsim_bin: Path):
    """Cache of finished runs shared by the tests of a session: runs(name, *args) -> Path.

    Each distinct (name, args) is run once, into its own folder; the run must succeed.
    """
    root = tmp_path_factory.mktemp("runs")
    cache: dict[tuple, Path] = {}

    def runs(name: str, *args) -> Path:
        key = (name, *map(str, args))
        if key not in cache:
            out = root / f"{name}.h5"
            assert not out.exists(), f"run name {name!r} used twice with different arguments"
            proc = _run(kcsim_bin, [*args, "--out", out, "--quiet"], cwd=root)
            assert proc.returncode == 0, f"kcsim {' '.join(key[1:])} failed ({proc.returncode}):\n{proc.stderr}"
            assert out.is_file()
            cache[key] = out
        return cache[key]

    return runs


def assert_same_datasets(a, b, names):
    """The named datasets of two HDF5 files are equal bit for bit (NaN where NaN)."""
    import h5py
    import numpy as np

    with h5py.File(a) as fa, h5py.File(b) as fb:
        for name in names:
            assert fa[name].shape == fb[name].shape, name
            assert np.array_equal(fa[name][...], fb[name][...], equal_nan=True), name
            assert fa[name][...].tobytes() == fb[name][...].tobytes(), name


def _session(sid):
    """The live (not zombie) processes of session `sid`."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                stat = f.read()
        except OSError:
            continue
        state, _ppid, _pgrp, session = stat[stat.rfind(")") + 2:].split()[:4]
        if int(session) == sid and state != "Z":
            pids.append(int(entry))
    return pids


def kill_when_units_exist(cmd, partial, units=1, timeout=240, env=None):
    """Runs cmd in a session of its own and SIGKILLs the whole session once `units` unit files are
    in `partial` (or the job ended first, which it returns). Every process of the session: mpirun
    puts each rank in a process group of its own, and a rank left alive would go on with the job."""
    proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    start = time.time()
    while time.time() - start < timeout and proc.poll() is None:
        if partial.is_dir() and len(list(partial.glob("unit-*.bin"))) >= units:
            break
        time.sleep(0.05)
    finished_first = proc.poll() is not None
    kill_session(proc)
    return finished_first


def kill_session(proc):
    """SIGKILLs every process of the session `proc` leads (started with start_new_session=True),
    and waits until they are gone."""
    deadline = time.time() + 60
    while (members := _session(proc.pid)) and time.time() < deadline:
        for pid in members:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)
    assert not _session(proc.pid), "the killed job's processes must be gone"
    proc.wait()


def start_job_holding_its_lock(kcsim_bin, scenarios_dir, out):
    """Starts a 40-replicate comparison into `out` in a session of its own and returns it once it
    holds the lock of `out`.partial (the caller kills it with kill_session), with its arguments."""
    partial = Path(f"{out}.partial")
    args = [kcsim_bin, "compare", scenarios_dir / "no-programme.toml", scenarios_dir / "plan.toml",
            "--replicates", "40", "--threads", "1", "--quiet", "--out", out]
    job = subprocess.Popen([str(a) for a in args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    start = time.time()
    while not (partial / "lock").exists() and time.time() - start < 60 and job.poll() is None:
        time.sleep(0.02)
    if job.poll() is not None:
        kill_session(job)
        raise AssertionError("the first job must still run")
    return job, args


# A year of a small city (about 25 ms a run): the scenario calibration tests and the report's
# calibration page use, so a calibration of a few hundred runs takes seconds.
SMALL_CITY = """\
name = "small"
extends = "builtin:base/programme-2021.toml"
[calendar]
end = 2021-12-26
[population]
tech_firms = 2000
other_firms = 6000
"""



def decision_text(name="pick2", candidates=("yubei", "jiangbei", "tongliang", "kaizhou", "wulong", "chengkou"),
                  metric="needs_solved", seed=1, top=5, replicates=8, head="", search="",
                  dates="[2021-02-01, 2021-02-01]") -> str:
    """A kcsim select decision over small.toml (SMALL_CITY next to it): 2 of the candidates join
    on `dates` with one team by demand. `head`: lines before [pilots] (reference, parameters);
    `search`: more [search] keys."""
    quoted = ", ".join(f'"{c}"' for c in candidates)
    return (f'name = "{name}"\nscenario = "small.toml"\n{head}[pilots]\ncandidates = [{quoted}]\ncount = 2\n'
            f"dates = {dates}\n[teams]\ncount = 1\n[objective]\nmetrics = {{ {metric} = 1.0 }}\n"
            f"[search]\nseed = {seed}\ntop = {top}\nreplicates = {replicates}\n{search}")


# OpenMPI as root in CI, with more ranks than cores, on one machine (shared memory only).
MPI_ENV = {
    **os.environ,
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",
    "OMPI_MCA_btl": "self,vader",
}
