"""kcsim report without a browser: numbers for people, the map's geometry, the command's errors
and exit codes, and kcsim.report on a Dataset (tests/python/test_report_browser.py checks the
page in Chromium)."""

from __future__ import annotations

import re

import kcsim
import pytest
from kcsim.reporting import geo, numbers

SHORT = "[calendar]\nend = 2021-03-28\n"


def test_numbers_for_people():
    assert numbers.number(47581.3) == "47,581"
    assert numbers.number(2734420.0) == "2,730,000"
    assert numbers.number(46.4166) == "46.4"
    assert numbers.number(0.000123456) == "0.000123"
    assert numbers.number(69838.699999999997) == "69,839"
    assert numbers.number(-1234.4, sign=True) == "−1,234"
    assert numbers.number(1230.0, sign=True) == "+1,230"
    assert numbers.number(0.1234, "share") == "12.3%"
    assert numbers.number(float("nan")) == "–"
    assert numbers.with_unit(46.42, "million yuan") == "46.4 million yuan"
    assert numbers.with_unit(4120, "firms", lang="zh") == "4,120家企业"


def test_map_has_the_38_units_all_matched(tmp_path):
    sc = kcsim.load_scenario("builtin:plan.toml")
    shapes = geo.district_shapes(sc.district_table)
    ids = [r["id"] for r in shapes["regions"]]
    assert len(ids) == 38 == len(set(ids))
    assert {"liangping", "wulong"} <= set(ids)  # the two renamed units
    assert sorted(z["id"] for z in shapes["zones"]) == ["changshou_edz", "high_tech_zone", "liangjiang"]
    assert all(len(r["d"]) > 100 and r["d"].startswith("M") for r in shapes["regions"])


def test_report_of_a_dataset(tmp_path):
    short = kcsim.derive(kcsim.load_scenario("builtin:base/programme-2021.toml"), SHORT, "short")
    off = kcsim.derive(short, {"programme.enabled": False}, "off")
    cmp = kcsim.compare([off, short], replicates=2, seed=3, threads=2, progress=False)
    out = kcsim.report(cmp, out=tmp_path / "c.html")
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert out == str(tmp_path / "c.html")
    assert html.count('class="district"') == 38 and "src=\"http" not in html and "href=\"http" not in html
    assert re.search(r"data:font/(woff2|ttf);base64,", html)
    with pytest.raises(FileExistsError):
        kcsim.report(cmp, out=tmp_path / "c.html")
    with pytest.raises(ValueError, match="give out="):
        kcsim.report(cmp)
    with pytest.raises(ValueError, match="not a scenario of this file"):
        kcsim.report(cmp, out=tmp_path / "d.html", baseline="nope")
    assert not (tmp_path / "d.html").exists()


def test_command_errors(run_kcsim, tmp_path):
    r = run_kcsim("report", tmp_path / "missing.h5")
    assert r.returncode == 2 and "no such file" in r.stderr
    (tmp_path / "x.h5").write_text("not hdf5")
    r = run_kcsim("report", tmp_path / "x.h5")
    assert r.returncode == 2 and "not an HDF5 file" in r.stderr
    r = run_kcsim("report", tmp_path / "x.h5", "--lang", "fr")
    assert r.returncode == 2 and "lang" in r.stderr
    r = run_kcsim("report", "--bogus")
    assert r.returncode == 2 and "unknown option" in r.stderr
    r = run_kcsim("report", "--help")
    assert r.returncode == 0 and "--baseline" in r.stdout
    assert not list(tmp_path.glob("*.html"))


def test_kind_from_the_file(tmp_path):
    import h5py
    from kcsim.reporting import kinds

    with h5py.File(tmp_path / "a.h5", "w") as f:
        f.create_group("comparison")
        f.create_group("scenarios/a")
        assert kinds.of_file(f).KIND == "compare"
        f.attrs["kind"] = "sweep"              # a file that names its kind is given to that module
        assert kinds.of_file(f).KIND == "sweep"
        f.attrs["kind"] = "calibration-to-come"  # an unknown name: the modules are asked
        assert kinds.of_file(f).KIND == "compare"
    with h5py.File(tmp_path / "b.h5", "w") as f:
        f.create_group("other")
        assert kinds.of_file(f) is None


def test_report_of_a_file_goes_beside_it(run_kcsim, tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text('extends = "builtin:base/programme-2021.toml"\nname = "s"\n' + SHORT)
    r = run_kcsim("run", scenario, "--replicates", "2", "--threads", "2", "--quiet", "--out", tmp_path / "s.h5")
    assert r.returncode == 0, r.stderr
    assert kcsim.report(str(tmp_path / "s.h5")) == str(tmp_path / "s.html")
    html = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert "Scenario s" in html and 'id="districtmap"' in html
    r = run_kcsim("report", tmp_path / "s.h5", "--baseline", "other", "--force")
    assert r.returncode == 2 and "one scenario" in r.stderr


def test_report_of_a_sobol_sweep_with_levers(tmp_path):
    (tmp_path / "base.toml").write_text('extends = "builtin:base/programme-2021.toml"\n' + SHORT)
    (tmp_path / "s.toml").write_text(
        'name = "sob"\nscenario = "base.toml"\ndesign = "saltelli"\nsamples = 2\n'
        'outcomes = ["expert_services", "problems_solved"]\n'
        '[[uncertain]]\nkey = "experts.services_per_expert_week"\nmin = 0.25\nmax = 1.0\n'
        '[[uncertain]]\nkey = "enterprise.need_rate"\nmin = 0.5\nmax = 1.5\n'
        '[[lever]]\nkey = "rewards.rule"\nvalues = ["proportional", "tournament"]\n')
    ds = kcsim.sweep(str(tmp_path / "s.toml"), threads=2, progress=False)
    html = (tmp_path / "s.html")
    kcsim.report(ds, out=html)
    text = html.read_text(encoding="utf-8")
    # One ranking per outcome and lever value, named by the lever.
    assert text.count('class="chart bars"') == 4 and re.search(r'rewards\.rule = (&quot;)?tournament', text)
    assert "total Sobol" in text


def test_a_damaged_file_is_bad_input(run_kcsim, tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text('extends = "builtin:base/programme-2021.toml"\nname = "s"\n' + SHORT)
    h5 = tmp_path / "s.h5"
    assert run_kcsim("run", scenario, "--replicates", "1", "--quiet", "--out", h5).returncode == 0
    data = bytearray(h5.read_bytes())
    h5.write_bytes(bytes(data[: len(data) // 2]))  # cut short
    r = run_kcsim("report", h5)
    assert r.returncode == 2 and "s.h5" in r.stderr, r.stderr
    assert not (tmp_path / "s.html").exists()


def test_map_matches_names_written_another_way():
    table = kcsim.load_scenario("builtin:plan.toml").district_table
    renamed = [dict(d, name_zh=d["name_zh"].replace("区", "县")) if d["id"] == "wanzhou" else d for d in table]
    assert "wanzhou" in [r["id"] for r in geo.district_shapes(renamed)["regions"]]
    missing = [d for d in table if d["id"] != "fuling"]
    with pytest.raises(ValueError, match="涪陵区"):
        geo.district_shapes(missing)
