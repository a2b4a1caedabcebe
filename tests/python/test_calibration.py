"""kcsim calibrate: targets files, history matching + ABC, recovery of known parameters from
synthetic targets made by the model, held-out targets, sweeps' dated values, and comparisons
over a posterior (all draws equal reduces to today's comparison exactly)."""

from __future__ import annotations

import datetime as dt
import shutil

import h5py
import numpy as np
import pytest
from conftest import SMALL_CITY

START = dt.date(2021, 1, 4)  # programme-2021's calendar: weekly steps from here

SMALL = SMALL_CITY  # a year of a small city (conftest)

TRUTH = {"enterprise.certification_rate": 0.3, "enterprise.high_tech_rate": 0.055, "enterprise.rd_intensity_tech": 0.04}
PRIOR_RANGES = {
    "enterprise.certification_rate": (0.05, 1.0),
    "enterprise.high_tech_rate": (0.01, 0.15),
    "enterprise.rd_intensity_tech": (0.02, 0.08),
}

# (name, metric, date or (from, to), use)
TARGETS = [
    ("tech_firms_mid", "tech_firms", dt.date(2021, 6, 30), "calibrate"),
    ("certifications_2021", "certifications", (dt.date(2021, 1, 1), dt.date(2021, 12, 31)), "calibrate"),
    ("high_tech_end", "high_tech_firms", dt.date(2021, 12, 31), "calibrate"),
    ("rd_2021", "rd_spend", (dt.date(2021, 1, 1), dt.date(2021, 12, 31)), "calibrate"),
    ("tech_firms_end", "tech_firms", dt.date(2021, 12, 31), "hold-out"),
    ("certifications_q1", "certifications", (dt.date(2021, 1, 1), dt.date(2021, 3, 31)), "hold-out"),
]


def step_last_day(t):
    return START + dt.timedelta(days=7 * (t + 1) - 1)


def city_targets(path, group):
    """The targets' values in replicate 0 of a run file, as kcsim calibrate reads a run."""
    with h5py.File(path) as f:
        g = f["scenarios"][group]
        names = [m.decode() if isinstance(m, bytes) else m for m in g["metric"][:]]
        city = g["metrics"][0].sum(axis=1)  # (time, metric): these metrics add up over districts
    steps = city.shape[0]
    out = {}
    for name, metric, when, _ in TARGETS:
        col = city[:, names.index(metric)]
        if isinstance(when, tuple):
            out[name] = float(sum(col[t] for t in range(steps) if when[0] <= step_last_day(t) <= when[1]))
        else:
            last = max(t for t in range(steps) if step_last_day(t) <= when)
            out[name] = float(col[last])
    return out


def write_targets(path, values, sd_share=0.06):
    lines = ['name = "synthetic"\n']
    for name, metric, when, use in TARGETS:
        lines.append("[[target]]")
        lines.append(f'name = "{name}"\nmetric = "{metric}"')
        if isinstance(when, tuple):
            lines.append(f"from = {when[0].isoformat()}\nto = {when[1].isoformat()}")
        else:
            lines.append(f"date = {when.isoformat()}")
        lines.append(f"value = {values[name]!r}\nsd = {max(sd_share * values[name], 1.0)!r}")
        lines.append(f'source = "synthetic: the model at known parameters"\nuse = "{use}"\n')
    path.write_text("\n".join(lines), encoding="utf-8")


def write_prior(folder, samples=30, replicates=2, seed=1):
    (folder / "small.toml").write_text(SMALL, encoding="utf-8")
    text = f'name = "prior"\nscenario = "small.toml"\ndesign = "latin_hypercube"\nsamples = {samples}\nreplicates = {replicates}\nseed = {seed}\n'
    for key, (lo, hi) in PRIOR_RANGES.items():
        text += f'\n[[uncertain]]\nkey = "{key}"\nmin = {lo}\nmax = {hi}\n'
    (folder / "prior.toml").write_text(text, encoding="utf-8")
    return folder / "prior.toml"


def synthetic_targets(run_kcsim, folder, seed):
    truth = 'name = "truth"\nextends = "small.toml"\n[enterprise]\n' + "".join(
        f"{k.split('.')[1]} = {v}\n" for k, v in TRUTH.items()
    )
    (folder / "small.toml").write_text(SMALL, encoding="utf-8")
    (folder / "truth.toml").write_text(truth, encoding="utf-8")
    out = folder / f"truth-{seed}.h5"
    proc = run_kcsim("run", folder / "truth.toml", "--replicates", 1, "--seed", seed, "--out", out, "--force", "--quiet")
    assert proc.returncode == 0, proc.stderr
    targets = folder / f"targets-{seed}.toml"
    write_targets(targets, city_targets(out, "truth"))
    return targets


def calibrate(run_kcsim, targets, prior, out, *extra):
    proc = run_kcsim(
        "calibrate", targets, "--parameters", prior, "--waves", 2, "--abc-runs", 300, "--draws", 40,
        "--threads", 2, "--out", out, "--force", *extra,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc


@pytest.fixture(scope="module")
def one_calibration(run_kcsim, tmp_path_factory):
    folder = tmp_path_factory.mktemp("calibration")
    prior = write_prior(folder)
    targets = synthetic_targets(run_kcsim, folder, 777)
    out = folder / "posterior.h5"
    proc = calibrate(run_kcsim, targets, prior, out)
    return folder, prior, targets, out, proc


def test_calibration_file_holds_waves_posterior_and_provenance(run_kcsim, one_calibration):
    folder, prior, targets, out, proc = one_calibration
    verified = run_kcsim("verify", out)
    assert verified.returncode == 0 and "sound" in verified.stdout, verified.stdout
    assert "wave 1:" in proc.stdout and "wave 2:" in proc.stdout
    assert "Identifiability" in proc.stdout and "hold-out" in proc.stdout
    with h5py.File(out) as f:
        assert "kcsim calibrate" in f.attrs["command"]
        c = f["calibration"]
        assert c.attrs["waves"] == 2
        assert c.attrs["scenario_end"] == "2021-12-26"
        for w in (1, 2):
            g = c[f"wave_{w}"]
            assert g["design"].shape == (30, 3)
            assert g["implausibility"].shape == (30, len(TARGETS))
            assert 0 <= g.attrs["non_implausible_fraction"] <= 1
            # The design stays inside the box it was drawn from.
            assert np.all(g["design"][:] >= g["box_lo"][:] - 1e-12) and np.all(g["design"][:] <= g["box_hi"][:] + 1e-12)
        # The second wave's box lies inside the first; it is the same box only when no point of
        # the first fitted, and it holds every non-implausible point of the first.
        lo1, hi1 = c["wave_1/box_lo"][:], c["wave_1/box_hi"][:]
        lo2, hi2 = c["wave_2/box_lo"][:], c["wave_2/box_hi"][:]
        assert np.all(lo2 >= lo1) and np.all(hi2 <= hi1)
        fits = c["wave_1/non_implausible"][:] == 1
        assert (c["wave_1"].attrs["fallback"] == 1) == (not fits.any())
        pts = c["wave_1/design"][:][fits]
        assert np.all(pts >= lo2) and np.all(pts <= hi2)
        assert np.isclose(c["wave_1"].attrs["non_implausible_fraction"], fits.mean())
        p = f["posterior"]
        w = p["weights"][:]
        assert abs(w.sum() - 1) < 1e-9 and np.all(w >= 0)
        assert p["draws"].shape == (40, 3)
        assert p.attrs["effective_sample_size"] > 1
        assert np.all(p["replicate"][:] >= 0)
        assert set(c["target_use"].asstr()[:]) == {"calibrate", "hold-out"}
        assert np.all(np.isfinite(c["predicted_q50"][:]))


def test_calibration_recovers_known_parameters(run_kcsim, tmp_path):
    """Three seeds of synthetic data: each true value inside its posterior 90% interval in most."""
    inside = {k: 0 for k in TRUTH}
    for i, seed in enumerate((101, 202, 303)):
        prior = write_prior(tmp_path, seed=seed)
        targets = synthetic_targets(run_kcsim, tmp_path, seed)
        out = tmp_path / f"post-{seed}.h5"
        calibrate(run_kcsim, targets, prior, out)
        with h5py.File(out) as f:
            keys = list(f["posterior/parameter"].asstr()[:])
            q05, q95 = f["posterior/q05"][:], f["posterior/q95"][:]
            width = f["posterior/width_ratio"][:]
        for j, k in enumerate(keys):
            inside[k] += int(q05[j] <= TRUTH[k] <= q95[j])
        # The data constrain the parameters: each posterior is narrower than its prior.
        assert np.all(width < 0.9), dict(zip(keys, width))
    assert all(n >= 2 for n in inside.values()), inside


def test_compare_over_posterior_with_equal_draws_is_todays_comparison(run_kcsim, one_calibration, tmp_path):
    folder, prior, targets, out, _ = one_calibration
    equal = tmp_path / "equal.h5"
    shutil.copy(out, equal)
    defaults = {"enterprise.certification_rate": 0.3, "enterprise.high_tech_rate": 0.055, "enterprise.rd_intensity_tech": 0.04}
    with h5py.File(equal, "r+") as f:
        keys = list(f["posterior/parameter"].asstr()[:])
        f["posterior/draws"][...] = np.array([[defaults[k] for k in keys]] * f["posterior/draws"].shape[0])
    (folder / "off.toml").write_text('name = "off"\nextends = "small.toml"\n[programme]\nlibraries = false\n')
    plain, over = tmp_path / "plain.h5", tmp_path / "over.h5"
    args = (folder / "small.toml", folder / "off.toml", "--replicates", 4, "--quiet", "--force")
    p1 = run_kcsim("compare", *args, "--out", plain)
    p2 = run_kcsim("compare", *args, "--out", over, "--parameters", equal)
    assert p1.returncode == 0, p1.stderr
    assert p2.returncode == 0, p2.stderr
    with h5py.File(plain) as a, h5py.File(over) as b:
        for s in ("small", "off"):
            assert np.array_equal(a[f"scenarios/{s}/metrics"][:], b[f"scenarios/{s}/metrics"][:])
        for name in ("city", "summary"):
            assert np.array_equal(a[f"comparison/{name}"][:], b[f"comparison/{name}"][:], equal_nan=True)
        assert "Over the posterior" in b["comparison"].attrs["posterior_summary"]


def test_compare_over_posterior_varies_parameters_and_reports_contrasts(run_kcsim, one_calibration, tmp_path):
    folder, prior, targets, out, _ = one_calibration
    (folder / "off.toml").write_text('name = "off"\nextends = "small.toml"\n[programme]\nlibraries = false\n')
    res = tmp_path / "over.h5"
    proc = run_kcsim("compare", folder / "small.toml", folder / "off.toml", "--parameters", out,
                     "--replicates", 8, "--out", res, "--force")
    assert proc.returncode == 0, proc.stderr
    assert "90% interval over draws" in proc.stdout and "P(higher)" in proc.stdout
    with h5py.File(res) as f:
        tech = f["comparison/city"][0, :, list(f["comparison/metric"].asstr()[:]).index("tech_firms")]
    assert len(set(tech.tolist())) > 1
    too_many = run_kcsim("compare", folder / "small.toml", folder / "off.toml", "--parameters", out,
                         "--replicates", 41, "--out", tmp_path / "x.h5")
    assert too_many.returncode == 2 and "draws" in too_many.stderr


@pytest.mark.parametrize(
    "edit, message",
    [
        (('metric = "tech_firms"', 'metric = "tech_firm"', 1), "did you mean 'tech_firms'"),
        (('use = "calibrate"', 'use = "fit"', 1), 'expected "calibrate" or "hold-out"'),
        (("date = 2021-06-30", "from = 2021-01-01\nto = 2021-06-30", 1), "read at a date"),
        (("sd = ", "sdev = ", 1), "unknown key 'target[0].sdev'"),
        (("date = 2021-06-30", "date = 2024-06-30", 1), "outside the scenario"),
    ],
)
def test_bad_targets_file_names_file_line_and_key(run_kcsim, one_calibration, tmp_path, edit, message):
    folder, prior, targets, _, _ = one_calibration
    bad = tmp_path / "bad.toml"
    bad.write_text(targets.read_text().replace(*edit), encoding="utf-8")
    proc = run_kcsim("calibrate", bad, "--parameters", prior, "--out", tmp_path / "o.h5")
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "bad.toml:" in proc.stderr
    assert not (tmp_path / "o.h5").exists()


def test_shipped_targets_hold_out_two_dated_targets(repo_root):
    import tomllib

    for path in (repo_root / "scenarios" / "targets").glob("chongqing*.toml"):
        t = tomllib.loads(path.read_text(encoding="utf-8"))
        held = [x for x in t["target"] if x["use"] == "hold-out"]
        assert len(held) >= 2 and all("date" in x or "to" in x for x in held)
        assert all(x["source"] and x["sd"] > 0 for x in t["target"])


def test_sweep_keeps_yearly_values(run_kcsim, tmp_path):
    (tmp_path / "small.toml").write_text(SMALL.replace("end = 2021-12-26", "end = 2022-06-26"), encoding="utf-8")
    (tmp_path / "sw.toml").write_text(
        'scenario = "small.toml"\ndesign = "latin_hypercube"\nsamples = 2\nreplicates = 2\n'
        '[[uncertain]]\nkey = "enterprise.certification_rate"\nmin = 0.1\nmax = 0.5\n', encoding="utf-8")
    out = tmp_path / "sw.h5"
    proc = run_kcsim("sweep", tmp_path / "sw.toml", "--out", out, "--quiet", "--force")
    assert proc.returncode == 0, proc.stderr
    with h5py.File(out) as f:
        g = f["sweep"]
        assert list(g["year"][:]) == [2021, 2022]
        y, o = g["yearly_outcomes"][:], g["outcomes"][:]
        names = list(g["metric"].asstr()[:])
    assert y.shape == (2, 2, 2, len(names))
    c, t = names.index("certifications"), names.index("tech_firms")
    assert np.allclose(y[..., c].sum(axis=2), o[..., c])  # a flow: the years add up to the total
    assert np.array_equal(y[:, :, -1, t], o[:, :, t])  # a stock: the last year's value is the end
    assert np.all(y[:, :, 0, t] < y[:, :, 1, t])


def test_calibration_is_the_same_for_any_thread_count_and_after_a_kill_and_resume(run_kcsim, kcsim_bin, one_calibration,
                                                                                   tmp_path):
    from conftest import assert_same_datasets, kill_when_units_exist

    folder, _, targets, _, _ = one_calibration
    prior = write_prior(tmp_path, samples=12, replicates=2, seed=5)
    args = ["calibrate", targets, "--parameters", prior, "--waves", 2, "--abc-runs", 60, "--draws", 20, "--quiet"]
    one, two, resumed = tmp_path / "one.h5", tmp_path / "two.h5", tmp_path / "resumed.h5"
    assert run_kcsim(*args, "--threads", 1, "--out", one).returncode == 0
    assert run_kcsim(*args, "--threads", 2, "--out", two).returncode == 0
    # Killed (SIGKILL) once the second wave has kept a unit, then resumed: the first wave's and
    # the second's kept units are reused, and the file is the same.
    cmd = [kcsim_bin, *args, "--threads", 2, "--out", resumed]
    finished = kill_when_units_exist(cmd, tmp_path / "resumed.h5.wave2.partial", units=2)
    if not finished:
        assert not resumed.exists() and (tmp_path / "resumed.h5.wave1.partial").is_dir()
        proc = run_kcsim(*args, "--threads", 2, "--out", resumed, "--resume")
        assert proc.returncode == 0, proc.stderr
    names = ["calibration/wave_1/design", "calibration/wave_2/design", "calibration/wave_2/mean",
             "calibration/abc/statistics", "posterior/parameters", "posterior/weights", "posterior/draws"]
    assert_same_datasets(one, two, names)
    assert_same_datasets(one, resumed, names)
    assert not list(tmp_path.glob("*.partial"))


def test_python_compare_over_posterior_matches_the_command_line(run_kcsim, one_calibration, tmp_path):
    import kcsim

    folder, _, _, out, _ = one_calibration
    (folder / "off.toml").write_text('name = "off"\nextends = "small.toml"\n[programme]\nlibraries = false\n')
    res = tmp_path / "cli.h5"
    proc = run_kcsim("compare", folder / "small.toml", folder / "off.toml", "--parameters", out,
                     "--replicates", 4, "--out", res, "--force", "--quiet")
    assert proc.returncode == 0, proc.stderr
    ds = kcsim.compare([str(folder / "small.toml"), str(folder / "off.toml")], replicates=4, parameters=str(out))
    with h5py.File(res) as f:
        assert np.array_equal(ds["city"].values, f["comparison/city"][:])
        assert ds.attrs["posterior_summary"] == f["comparison"].attrs["posterior_summary"]
    with pytest.raises(ValueError, match="draws"):
        kcsim.compare([str(folder / "small.toml"), str(folder / "off.toml")], replicates=41, parameters=str(out))


def test_sweep_indices_on_contrasts_between_policies(run_kcsim, tmp_path):
    (tmp_path / "small.toml").write_text(SMALL.replace("end = 2021-12-26", "end = 2021-06-27"), encoding="utf-8")
    (tmp_path / "sw.toml").write_text(
        'scenario = "small.toml"\ndesign = "morris"\nsamples = 3\nreplicates = 1\noutcomes = ["tech_firms", "problems_solved"]\n'
        '[[uncertain]]\nkey = "enterprise.certification_rate"\nmin = 0.1\nmax = 0.5\n'
        '[[uncertain]]\nkey = "programme.post_share_aware"\nmin = 0.2\nmax = 0.8\n'
        '[[lever]]\nkey = "programme.libraries"\nvalues = [true, false]\n', encoding="utf-8")
    out = tmp_path / "sw.h5"
    proc = run_kcsim("sweep", tmp_path / "sw.toml", "--out", out, "--quiet", "--force")
    assert proc.returncode == 0, proc.stderr
    with h5py.File(out) as f:
        mu, cmu = f["sweep/morris_mu"][:], f["sweep/contrast_morris_mu"][:]
        cstar = f["sweep/contrast_morris_mu_star"][:]
    assert cmu.shape == mu.shape == (2, 2, 2)
    assert np.all(np.isnan(cmu[0])) and np.all(np.isfinite(cmu[1]))
    # mu is linear in the outcome: the contrast's mu is the difference of the policies' mu.
    assert np.allclose(cmu[1], mu[1] - mu[0])
    # Without the problem library, posting matters less: the contrast moves with post_share_aware.
    assert cstar[1, 1, 1] > 0


# A sweep over a posterior: one uncertain parameter the posterior does not hold, one it does (the
# sweep's own values win), and a lever, so that there are contrasts.
SWEEP_OVER = (
    'scenario = "small.toml"\ndesign = "morris"\nsamples = 2\nlevels = 4\nreplicates = 3\nseed = 5\n'
    'outcomes = ["tech_firms", "certifications"]\n'
    '[[uncertain]]\nkey = "programme.post_share_aware"\nmin = 0.2\nmax = 0.8\n'
    '[[uncertain]]\nkey = "enterprise.certification_rate"\nmin = 0.1\nmax = 0.5\n'
    '[[lever]]\nkey = "programme.libraries"\nvalues = [true, false]\n'
)


def equal_draws(src, dst, values):
    shutil.copy(src, dst)
    with h5py.File(dst, "r+") as f:
        keys = list(f["posterior/parameter"].asstr()[:])
        f["posterior/draws"][...] = np.array([[values[k] for k in keys]] * f["posterior/draws"].shape[0])
    return dst


def test_sweep_over_posterior_with_default_draws_is_the_plain_sweep(run_kcsim, one_calibration, tmp_path):
    folder, _, _, out, _ = one_calibration
    (folder / "sw-post.toml").write_text(SWEEP_OVER, encoding="utf-8")
    defaults = {"enterprise.certification_rate": 0.3, "enterprise.high_tech_rate": 0.055, "enterprise.rd_intensity_tech": 0.04}
    equal = equal_draws(out, tmp_path / "equal.h5", defaults)
    plain, over = tmp_path / "plain.h5", tmp_path / "over.h5"
    p1 = run_kcsim("sweep", folder / "sw-post.toml", "--out", plain, "--quiet", "--force")
    p2 = run_kcsim("sweep", folder / "sw-post.toml", "--out", over, "--parameters", equal, "--force")
    assert p1.returncode == 0, p1.stderr
    assert p2.returncode == 0, p2.stderr
    with h5py.File(plain) as a, h5py.File(over) as b:
        for name in ("outcomes", "yearly_outcomes", "morris_mu_star", "contrast_morris_mu_star"):
            assert np.array_equal(a[f"sweep/{name}"][:], b[f"sweep/{name}"][:], equal_nan=True), name
        attrs = b["sweep"].attrs
        assert attrs["parameters_file"] == str(equal)
        assert len(attrs["parameters_sha256"]) == 64
        assert attrs["parameters_applied"].split("\n") == ["enterprise.high_tech_rate", "enterprise.rd_intensity_tech"]
        assert attrs["parameters_overridden_by_sweep"] == "enterprise.certification_rate"
        assert "--parameters" in b.attrs["command"]
    # The summary ranks the parameters by their effect on the contrast, with a line saying so.
    assert "On contrasts" in p2.stdout
    assert "tech_firms, policy 1 - policy 0 (policy 1: programme.libraries = false; policy 0: programme.libraries = true)" in p2.stdout
    assert "replicate r of every experiment uses draw r (3 of 40 draws) for 2 parameter(s)" in p2.stdout
    # Other draws, another content hash.
    other = equal_draws(out, tmp_path / "other.h5", {**defaults, "enterprise.high_tech_rate": 0.06})
    p3 = run_kcsim("sweep", folder / "sw-post.toml", "--out", tmp_path / "o.h5", "--parameters", other, "--quiet")
    assert p3.returncode == 0, p3.stderr
    with h5py.File(tmp_path / "o.h5") as f, h5py.File(over) as b:
        assert f["sweep"].attrs["parameters_sha256"] != b["sweep"].attrs["parameters_sha256"]
        t = list(f["sweep/metric"].asstr()[:]).index("high_tech_firms")
        assert not np.array_equal(f["sweep/outcomes"][:, :, t], b["sweep/outcomes"][:, :, t])


def test_sweep_over_posterior_pairs_replicate_r_with_draw_r(run_kcsim, one_calibration, tmp_path):
    """Experiment e, replicate r = the scenario with draw r's values and e's own values, seed r:
    the sweep's outcomes equal a comparison over the same posterior of those experiments."""
    folder, _, _, out, _ = one_calibration
    (tmp_path / "small.toml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "sw.toml").write_text(
        'scenario = "small.toml"\ndesign = "full_factorial"\nlevels = 2\nreplicates = 3\nseed = 9\n'
        '[[uncertain]]\nkey = "programme.post_share_aware"\nmin = 0.25\nmax = 0.75\n'
        '[[lever]]\nkey = "programme.libraries"\nvalues = [true, false]\n', encoding="utf-8")
    sw = tmp_path / "sw.h5"
    proc = run_kcsim("sweep", tmp_path / "sw.toml", "--out", sw, "--parameters", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    with h5py.File(sw) as f:
        outcomes = f["sweep/outcomes"][:]
        share = f["sweep/programme.post_share_aware"][:]
        libraries = f["sweep/programme.libraries"].asstr()[:]
    e_on = int(np.flatnonzero((share == 0.75) & (libraries == "true"))[0])
    e_off = int(np.flatnonzero((share == 0.75) & (libraries == "false"))[0])
    (tmp_path / "on.toml").write_text('name = "on"\nextends = "small.toml"\n[programme]\npost_share_aware = 0.75\n')
    (tmp_path / "off.toml").write_text(
        'name = "off"\nextends = "small.toml"\n[programme]\npost_share_aware = 0.75\nlibraries = false\n')
    cmp = tmp_path / "cmp.h5"
    proc = run_kcsim("compare", tmp_path / "on.toml", tmp_path / "off.toml", "--parameters", out, "--replicates", 3,
                     "--seed", 9, "--out", cmp, "--quiet")
    assert proc.returncode == 0, proc.stderr
    with h5py.File(cmp) as f:
        city = f["comparison/city"][:]
    assert np.array_equal(outcomes[e_on], city[0])
    assert np.array_equal(outcomes[e_off], city[1])
    # The draws differ, so the replicates of one experiment differ by more than their seeds would.
    assert len({tuple(row) for row in outcomes[e_on]}) == 3
    # More replicates than draws: an input error naming the posterior.
    too_many = run_kcsim("sweep", tmp_path / "sw.toml", "--out", tmp_path / "x.h5", "--parameters", out,
                         "--replicates", 41, "--quiet")
    assert too_many.returncode == 2
    assert str(out) in too_many.stderr and "41 replicates" in too_many.stderr
    assert not (tmp_path / "x.h5").exists()


def test_python_sweep_over_posterior_matches_the_command_line(run_kcsim, one_calibration, tmp_path):
    import kcsim

    folder, _, _, out, _ = one_calibration
    (folder / "sw-post.toml").write_text(SWEEP_OVER, encoding="utf-8")
    cli = tmp_path / "cli.h5"
    proc = run_kcsim("sweep", folder / "sw-post.toml", "--out", cli, "--parameters", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    ds = kcsim.sweep(str(folder / "sw-post.toml"), parameters=str(out))
    with h5py.File(cli) as f:
        assert np.array_equal(ds["outcomes"].values, f["sweep/outcomes"][:])
        assert np.allclose(ds["contrast_morris_mu_star"].values, f["sweep/contrast_morris_mu_star"][:], equal_nan=True)
        assert ds.attrs["parameters_sha256"] == f["sweep"].attrs["parameters_sha256"]
    assert ds.attrs["parameters_overridden_by_sweep"] == "enterprise.certification_rate"


def test_killed_sweep_over_posterior_resumes_only_over_the_same_draws(kcsim_bin, one_calibration, tmp_path):
    import subprocess

    from conftest import assert_same_datasets, kill_when_units_exist

    folder, _, _, out, _ = one_calibration
    sweep = folder / "sw-resume.toml"
    sweep.write_text(SWEEP_OVER.replace("samples = 2", "samples = 6"), encoding="utf-8")
    other = equal_draws(out, tmp_path / "other.h5", {"enterprise.certification_rate": 0.3,
                                                     "enterprise.high_tech_rate": 0.055,
                                                     "enterprise.rd_intensity_tech": 0.04})
    res, ref = tmp_path / "s.h5", tmp_path / "ref.h5"
    args = [kcsim_bin, "sweep", sweep, "--threads", "2", "--quiet", "--parameters", out]
    finished = kill_when_units_exist([*args, "--out", res], tmp_path / "s.h5.partial", units=2)
    if not finished:
        swapped = [str(a) if a != out else str(other) for a in args]
        proc = subprocess.run([*swapped, "--out", str(res), "--resume"], capture_output=True, text=True)
        assert proc.returncode == 2 and "different job" in proc.stderr, proc.stderr
        proc = subprocess.run([*map(str, args), "--out", str(res), "--resume"], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([*map(str, args), "--out", str(ref)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert_same_datasets(res, ref, ["sweep/outcomes", "sweep/yearly_outcomes", "sweep/contrast_morris_mu_star"])


def test_python_sweep_contrast_indices_and_their_plot(one_calibration):
    import matplotlib

    matplotlib.use("Agg")
    import kcsim
    from kcsim import plots

    folder, _, _, _, _ = one_calibration
    (folder / "sw-post.toml").write_text(SWEEP_OVER, encoding="utf-8")
    ds = kcsim.sweep(str(folder / "sw-post.toml"))
    cstar = ds["contrast_morris_mu"]
    assert np.all(np.isnan(cstar[0])) and np.all(np.isfinite(cstar[1]))
    # mu is linear in the outcome: the contrast's mu is the difference of the policies' mu.
    assert np.allclose(cstar[1], ds["morris_mu"][1] - ds["morris_mu"][0])
    ax = plots.sensitivity_ranking(ds, "tech_firms", policy=1, contrast=True)
    assert "policy 1 - policy 0" in ax.get_title()
    bars = sorted(p.get_width() for p in ax.patches[:2])
    assert np.allclose(bars, sorted(ds["contrast_morris_mu_star"].sel(outcome="tech_firms").values[1]))
    with pytest.raises(ValueError, match="policy=1"):
        plots.sensitivity_ranking(ds, "tech_firms", policy=0, contrast=True)


def test_calibration_under_mpirun_equals_one_process(run_kcsim, kcsim_bin, one_calibration, tmp_path):
    # The waves depend on each other: rank 0 broadcasts each stage's results, every rank makes the
    # same next design, and rank 0 alone writes. The file is the one a single process makes.
    import os
    import shutil
    import subprocess

    from conftest import MPI_ENV, assert_same_datasets

    mpirun = shutil.which("mpirun")
    if mpirun is None:
        if os.environ.get("CI"):
            pytest.fail("mpirun missing in CI (scripts/install-deps.sh installs it)")
        pytest.skip("mpirun not installed")
    folder, _, targets, _, _ = one_calibration
    prior = write_prior(tmp_path, samples=12, replicates=2, seed=5)
    args = ["calibrate", targets, "--parameters", prior, "--waves", 2, "--abc-runs", 60, "--draws", 20, "--quiet",
            "--threads", 1]
    one, ranks = tmp_path / "one.h5", tmp_path / "ranks.h5"
    assert run_kcsim(*args, "--out", one).returncode == 0
    proc = subprocess.run([mpirun, "-n", "3", "--bind-to", "none", str(kcsim_bin), *map(str, args), "--out", str(ranks)],
                          capture_output=True, text=True, env=MPI_ENV, timeout=600)
    assert proc.returncode == 0, proc.stderr
    names = ["calibration/wave_1/design", "calibration/wave_2/design", "calibration/wave_2/mean",
             "calibration/abc/statistics", "posterior/parameters", "posterior/weights", "posterior/draws"]
    assert_same_datasets(one, ranks, names)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".h5") == ["one.h5", "ranks.h5"]
    assert not list(tmp_path.glob("*.partial"))
