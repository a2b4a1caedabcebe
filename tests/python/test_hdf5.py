"""The HDF5 output of `kcsim run`: determinism, provenance, layout, and what xarray sees."""

from __future__ import annotations

import hashlib
import re
import tomllib
from datetime import datetime, timezone
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

VERSION_RE = re.compile(r"^kcsim (\S+) \(git (\S+), output schema (\d+)\)$")
STEPS, DISTRICTS = 156, 41
PLAN_SEED = 20210104


@pytest.fixture(scope="module")
def version_info(run_kcsim):
    proc = run_kcsim("--version")
    assert proc.returncode == 0
    m = VERSION_RE.match(proc.stdout.strip())
    assert m, proc.stdout
    return {"version": m.group(1), "git": m.group(2), "schema": int(m.group(3))}


@pytest.fixture(scope="module")
def plan(scenarios_dir: Path) -> Path:
    return scenarios_dir / "plan.toml"


@pytest.fixture(scope="module")
def run_a(session_runs, plan):
    return session_runs("a", "run", plan, "--replicates", 3, "--threads", 1)


@pytest.fixture(scope="module")
def run_b(session_runs, plan):
    return session_runs("b", "run", plan, "--replicates", 3, "--threads", 2)


def metrics(path: Path, scenario: str = "plan") -> np.ndarray:
    with h5py.File(path, "r") as f:
        return f[f"scenarios/{scenario}/metrics"][...]


def metric_names(path: Path, scenario: str = "plan") -> list[str]:
    with h5py.File(path, "r") as f:
        return [m.decode() if isinstance(m, bytes) else m for m in f[f"scenarios/{scenario}/metric"][...]]


def assert_bitwise_equal(x: np.ndarray, y: np.ndarray) -> None:
    assert x.dtype == y.dtype == np.float64
    assert x.shape == y.shape
    assert np.array_equal(x, y)
    assert x.tobytes() == y.tobytes()


# ---------------------------------------------------------------------------------------------
# Determinism


def test_threads_do_not_change_results(run_a, run_b):
    a, b = metrics(run_a), metrics(run_b)
    assert a.shape == (3, STEPS, DISTRICTS, len(metric_names(run_a)))
    assert not np.isnan(a).any(), "unwritten (NaN fill) values in metrics"
    assert_bitwise_equal(a, b)
    # The replicates are not copies of one another.
    assert not np.array_equal(a[0], a[1]) and not np.array_equal(a[1], a[2])
    with h5py.File(run_a, "r") as fa, h5py.File(run_b, "r") as fb:
        assert fa.attrs["threads"] == 1 and fb.attrs["threads"] == 2
        for f in (fa, fb):
            assert list(f["scenarios/plan/replicate"][...]) == [0, 1, 2]
            assert list(f["scenarios/plan/replicate_ok"][...]) == [1, 1, 1]


def test_replicate_depends_only_on_seed_and_index(session_runs, plan, run_a):
    one = session_runs("one", "run", plan, "--replicates", 1, "--threads", 1)
    assert_bitwise_equal(metrics(one)[0], metrics(run_a)[0])


def test_different_seeds_give_different_metrics(session_runs, plan, run_a):
    other = session_runs("seed1", "run", plan, "--replicates", 1, "--threads", 1, "--seed", 1)
    with h5py.File(other, "r") as f:
        assert f.attrs["seed"] == 1
    x, y = metrics(other)[0], metrics(run_a)[0]
    assert x.shape == y.shape
    assert not np.array_equal(x, y)
    # ...but the inputs that are not random are the same.
    k = metric_names(run_a).index("pilot_status")
    assert np.array_equal(x[..., k], y[..., k])


# ---------------------------------------------------------------------------------------------
# Provenance


def test_root_attributes(run_a, version_info):
    with h5py.File(run_a, "r") as f:
        a = f.attrs
        assert a["kcsim_version"] == version_info["version"]
        assert a["schema_version"] == version_info["schema"]
        assert a["git_commit"] == version_info["git"]
        assert a["seed"] == PLAN_SEED  # run.seed of plan.toml
        created = a["created"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created), created
        t = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        assert abs((datetime.now(timezone.utc) - t).total_seconds()) < 3600
        assert a["command"].startswith("kcsim run ") and "--replicates 3" in a["command"]
        assert list(f.keys()) == ["scenarios"]
        assert list(f["scenarios"].keys()) == ["plan"]


def test_scenario_attributes(run_a, plan, run_kcsim):
    with h5py.File(run_a, "r") as f:
        g = f["scenarios/plan"]
        text = g.attrs["scenario_toml"]
        assert isinstance(text, str) and len(text) > 1000
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == g.attrs["scenario_sha256"]
        assert g.attrs["scenario_name"] == "plan"
        assert g.attrs["scenario_source"] == str(plan)
        assert g.attrs["replicates_planned"] == 3
    # The stored text is what `kcsim check` prints for the same file.
    chk = run_kcsim("check", plan)
    assert chk.returncode == 0
    header, sha, body = chk.stdout.split("\n", 2)
    assert body == text
    assert sha == f"# sha256 {hashlib.sha256(text.encode()).hexdigest()}"
    doc = tomllib.loads(text)
    assert doc["run"]["seed"] == PLAN_SEED and len(doc["districts"]) == DISTRICTS


def test_stored_scenario_reproduces_the_run(run_a, session_runs, tmp_path_factory):
    with h5py.File(run_a, "r") as f:
        g = f["scenarios/plan"]
        text, sha = g.attrs["scenario_toml"], g.attrs["scenario_sha256"]
    folder = tmp_path_factory.mktemp("roundtrip")
    scenario = folder / "from-the-file.toml"
    scenario.write_text(text, encoding="utf-8")
    again = session_runs("roundtrip", "run", scenario, "--replicates", 3, "--threads", 2)
    assert_bitwise_equal(metrics(again), metrics(run_a))
    with h5py.File(again, "r") as f:
        assert f.attrs["seed"] == PLAN_SEED
        g = f["scenarios/plan"]  # the name travels with the text
        assert g.attrs["scenario_toml"] == text
        assert g.attrs["scenario_sha256"] == sha
        assert g.attrs["scenario_source"] == str(scenario)


# ---------------------------------------------------------------------------------------------
# Layout


def test_metrics_dataset_layout(run_a):
    with h5py.File(run_a, "r") as f:
        d = f["scenarios/plan/metrics"]
        M = len(metric_names(run_a))
        assert d.dtype == np.float64
        assert d.shape == (3, STEPS, DISTRICTS, M)
        assert d.maxshape == (None, STEPS, DISTRICTS, M)
        assert d.chunks == (1, STEPS, DISTRICTS, M)
        assert d.shuffle is True
        assert d.compression == "gzip"
        assert d.compression_opts == 1  # deflate level 1 (docs/output-format.md)
        assert d.fletcher32 is True
        assert np.isnan(d.fillvalue)
        # compression actually pays
        assert f.id.get_filesize() < d.size * 8


def test_xarray_reads_the_scenario_group(run_a):
    with xr.open_dataset(run_a, group="scenarios/plan", engine="h5netcdf") as ds:
        m = ds["metrics"]
        assert m.dims == ("replicate", "time", "district", "metric")
        assert m.shape == (3, STEPS, DISTRICTS, len(metric_names(run_a)))

        t = ds["time"].values
        assert np.issubdtype(t.dtype, np.datetime64)
        assert t.size == STEPS
        assert t[0] == np.datetime64("2021-01-10")
        assert t[-1] == np.datetime64("2023-12-31")
        assert (np.diff(t) == np.timedelta64(7, "D")).all()
        assert [str(x) for x in ds["date"].values] == [str(x)[:10] for x in t.astype("datetime64[D]")]

        districts = [str(x) for x in ds["district"].values]
        assert len(districts) == DISTRICTS == len(set(districts))
        assert "yongchuan" in districts and "high_tech_zone" in districts
        metrics_ = [str(x) for x in ds["metric"].values]
        assert "problems_posted" in metrics_ and "pilot_status" in metrics_
        assert [int(x) for x in ds["replicate"].values] == [0, 1, 2]
        assert ds["district_name_zh"].sel(district="yongchuan").item() == "永川区"
        assert ds["subregion"].sel(district="yongchuan").item() == "metro"


def test_pilot_status_on_the_first_step(run_a, plan):
    # The pilots of the first week are those of the programme in 2021 (the plan's base).
    base = plan.parent / "base" / "programme-2021.toml"
    events = tomllib.loads(base.read_text(encoding="utf-8"))["events"]
    municipal = {e["district"] for e in events if e.get("level") == "municipal"}
    assert len(municipal) == 12
    with xr.open_dataset(run_a, group="scenarios/plan", engine="h5netcdf") as ds:
        ps = ds["metrics"].sel(metric="pilot_status").isel(time=0)
        assert ps.dims == ("replicate", "district")
        for r in range(ps.sizes["replicate"]):
            row = ps.isel(replicate=r)
            v = row.values
            assert int((v == 2).sum()) == 2
            assert int((v == 1).sum()) == 12
            assert int((v == 0).sum()) == DISTRICTS - 14
            national = {str(d) for d in row["district"].values[v == 2]}
            assert national == {"yongchuan", "high_tech_zone"}
            assert {str(d) for d in row["district"].values[v == 1]} == municipal


def test_no_programme_posts_nothing(session_runs, scenarios_dir, run_a):
    path = session_runs("no-programme", "run", scenarios_dir / "no-programme.toml", "--replicates", 2, "--threads", 2)
    with h5py.File(path, "r") as f:
        assert list(f["scenarios"].keys()) == ["no-programme"]
    with xr.open_dataset(path, group="scenarios/no-programme", engine="h5netcdf") as ds:
        m = ds["metrics"]
        assert m.shape == (2, STEPS, DISTRICTS, len(metric_names(path, "no-programme")))
        assert not np.isnan(m.values).any()
        assert (m.sel(metric="problems_posted").values == 0).all()
        assert (m.sel(metric="pilot_status").values == 0).all()
        # firms still raise needs: the zeros are the programme being off, not an empty run
        assert m.sel(metric="needs_raised").values.sum() > 0
    # ...while the plan does post problems.
    with xr.open_dataset(run_a, group="scenarios/plan", engine="h5netcdf") as ds:
        assert ds["metrics"].sel(metric="problems_posted").values.sum() > 0
