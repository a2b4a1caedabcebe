"""kcsim sweep: designs, the experiments table, sensitivity indices, and sweep-file errors."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import xarray as xr

SMALL = """\
name = "small"
scenario = "builtin:base/programme-2021.toml"
design = "{design}"
samples = {samples}
replicates = 1
outcomes = ["expert_services", "needs_raised"]

[[uncertain]]
key = "experts.services_per_expert_week"
min = 0.25
max = 1.0

[[uncertain]]
key = "enterprise.need_rate"
min = 0.5
max = 1.5
"""

SHORT = "\n[calendar]\nend = 2021-06-27\n"  # half a year keeps the sweep tests fast


@pytest.fixture(scope="module")
def short_base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweepbase")
    (folder / "base.toml").write_text(
        'name = "short"\nextends = "builtin:base/programme-2021.toml"\n' + SHORT, encoding="utf-8"
    )
    return folder


def write_sweep(folder, design, samples, extra=""):
    text = SMALL.format(design=design, samples=samples).replace(
        'scenario = "builtin:base/programme-2021.toml"', 'scenario = "base.toml"'
    )
    path = folder / f"{design}.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def test_morris_sweep_ranks_the_driver_of_services_first(run_kcsim, short_base):
    sweep = write_sweep(short_base, "morris", 3)
    out = short_base / "morris.h5"
    proc = run_kcsim("sweep", sweep, "--out", out, "--force", "--threads", "2")
    assert proc.returncode == 0, proc.stderr
    assert "parameters ranked by Morris mu*" in proc.stdout
    with h5py.File(out) as f:
        g = f["sweep"]
        assert g.attrs["design"] == "morris"
        assert g["outcomes"].shape == (3 * 3, 1, len(g["metric"]))
        mu_star = g["morris_mu_star"][0]  # (outcome, parameter) of policy 0
        outcomes = [o.decode() if isinstance(o, bytes) else o for o in g["outcome"][...]]
        params = [p.decode() if isinstance(p, bytes) else p for p in g["parameter"][...]]
        services = mu_star[outcomes.index("expert_services")]
        # Expert capacity drives services far more than the need rate does.
        assert services[params.index("experts.services_per_expert_week")] > services[params.index("enterprise.need_rate")]
        raised = mu_star[outcomes.index("needs_raised")]
        assert raised[params.index("enterprise.need_rate")] > raised[params.index("experts.services_per_expert_week")]
        # The experiments table holds the values each experiment ran with, inside their ranges.
        rates = g["enterprise.need_rate"][...]
        assert rates.min() >= 0.5 and rates.max() <= 1.5
    ds = xr.open_dataset(out, group="sweep", engine="h5netcdf")
    assert ds.outcomes.dims == ("experiment", "replicate", "metric")


def test_saltelli_sweep_with_a_lever(run_kcsim, short_base):
    sweep = write_sweep(short_base, "saltelli", 4, '\n[[lever]]\nkey = "programme.libraries"\nvalues = [true, false]\n')
    out = short_base / "saltelli.h5"
    proc = run_kcsim("sweep", sweep, "--out", out, "--force", "--threads", "2", "--quiet")
    assert proc.returncode == 0, proc.stderr
    with h5py.File(out) as f:
        g = f["sweep"]
        n_exp = 2 * 4 * (2 + 2)  # policies x N x (k + 2)
        assert g["outcomes"].shape[0] == n_exp
        assert g["sobol_st"].shape == (2, 2, 2)
        levers = [v.decode() if isinstance(v, bytes) else v for v in g["programme.libraries"][...]]
        assert levers[: n_exp // 2] == ["true"] * (n_exp // 2) and levers[n_exp // 2 :] == ["false"] * (n_exp // 2)
        # With the libraries off nothing is posted, so problems_solved are zero in those runs.
        metric = [m.decode() if isinstance(m, bytes) else m for m in g["metric"][...]]
        posted = g["outcomes"][:, 0, metric.index("problems_posted")]
        assert (posted[n_exp // 2 :] == 0).all() and (posted[: n_exp // 2] > 0).all()


def test_same_sweep_same_results(run_kcsim, short_base):
    sweep = write_sweep(short_base, "latin_hypercube", 3)
    a, b = short_base / "a.h5", short_base / "b.h5"
    for out, threads in ((a, "1"), (b, "2")):
        proc = run_kcsim("sweep", sweep, "--out", out, "--force", "--threads", threads, "--quiet")
        assert proc.returncode == 0, proc.stderr
    with h5py.File(a) as fa, h5py.File(b) as fb:
        assert np.array_equal(fa["sweep/outcomes"][...], fb["sweep/outcomes"][...])


@pytest.mark.parametrize(
    "body,fragment",
    [
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "morriss"\n[[uncertain]]\nkey = "enterprise.need_rate"\nmin = 0.5\nmax = 1.0\n', "did you mean 'morris'?"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "morris"\nsamples = 0\n[[uncertain]]\nkey = "enterprise.need_rate"\nmin = 0.5\nmax = 1.0\n', "out of range"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "morris"\nlevels = 3\n[[uncertain]]\nkey = "enterprise.need_rate"\nmin = 0.5\nmax = 1.0\n', "even number of levels"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "saltelli"\n[[uncertain]]\nkey = "enterprise.need_rte"\nmin = 0.5\nmax = 1.0\n', "did you mean 'enterprise.need_rate'?"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "saltelli"\n[[uncertain]]\nkey = "enterprise.need_rate"\nmin = 2.0\nmax = 1.0\n', "must be greater than min"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "saltelli"\n[[uncertain]]\nkey = "enterprise.need_rate"\nmin = -1.0\nmax = 1.0\n', "out of range"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "saltelli"\n[[uncertain]]\nkey = "calendar.step_days"\nmin = 7\nmax = 14\n', "cannot be swept"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "saltelli"\n[[uncertain]]\nkey = "rewards.rule"\nmin = 0\nmax = 1\n', "sweep it as a [[lever]]"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "full_factorial"\n[[lever]]\nkey = "rewards.rule"\nvalues = ["proportional", "lottery"]\n', "expected proportional, tournament or threshold"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "saltelli"\n[[lever]]\nkey = "programme.forums"\nvalues = [true]\n', "needs at least one [[uncertain]]"),
        ('name = "x"\nscenario = "nowhere.toml"\ndesign = "saltelli"\n', "does not exist"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesgn = "saltelli"\n', "did you mean 'design'?"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "morris"\noutcomes = ["tech_firm"]\n[[uncertain]]\nkey = "enterprise.need_rate"\nmin = 0.5\nmax = 1.0\n', "did you mean 'tech_firms'?"),
        ('name = "x"\nscenario = "builtin:plan.toml"\ndesign = "saltelli"\n[[uncertain]]\nkey = "enterprise.need_rate"\nmin = 0.5\nmax = 1.0\n[[lever]]\nkey = "enterprise.need_rate"\nvalues = [1.0]\n', "swept twice"),
    ],
)
def test_bad_sweep_files_exit_2_and_write_nothing(run_kcsim, tmp_path, body, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    out = tmp_path / "out.h5"
    proc = run_kcsim("sweep", path, "--out", out)
    assert proc.returncode == 2, proc.stderr
    assert fragment in proc.stderr, proc.stderr
    if "outcomes" not in body:
        assert "bad.toml:" in proc.stderr  # names the file (and the line)
    assert list(tmp_path.iterdir()) == [path]


def test_shipped_sweep_files_are_valid(run_kcsim, scenarios_dir, tmp_path):
    for sweep in sorted((scenarios_dir / "sweeps").glob("*.toml")):
        # --replicates 1 with an out folder that does not exist: validated, then refused before any run.
        proc = run_kcsim("sweep", sweep, "--out", tmp_path / "missing" / "x.h5")
        assert proc.returncode == 1, (sweep, proc.stderr)
        assert "does not exist" in proc.stderr
