"""kcsim report without a browser: numbers for people, the map's geometry, the command's errors
and exit codes, and kcsim.report on a Dataset (tests/python/test_report_browser.py checks the
page in Chromium)."""

from __future__ import annotations

import re

import kcsim
import pytest
from conftest import SMALL_CITY, decision_text
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
    # Halves away from zero, as the program's own tables (std::lround) print them.
    assert numbers.number(7508.5) == "7,509" and numbers.number(-7508.5) == "−7,509"


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


# A tiny calibration (two parameters, 12 points x 2 replicates, 2 waves, 60 ABC draws: ~2 s)
# of a one-year small city, as tests/python/test_calibration.py makes them.
PRIOR = """name = "prior"
scenario = "small.toml"
design = "latin_hypercube"
samples = 12
replicates = 2
seed = 1
[[uncertain]]
key = "enterprise.certification_rate"
min = 0.05
max = 1.0
[[uncertain]]
key = "enterprise.high_tech_rate"
min = 0.01
max = 0.15
"""
TARGETS = """name = "synthetic"
[[target]]
name = "tech_firms_mid"
metric = "tech_firms"
date = 2021-06-30
value = 2300.0
sd = 100.0
source = "synthetic: a round figure near the model"
use = "calibrate"
[[target]]
name = "high_tech_end"
metric = "high_tech_firms"
date = 2021-12-31
value = 300.0
sd = 40.0
discrepancy = 20.0
source = "synthetic"
use = "calibrate"
[[target]]
name = "certifications_q1"
metric = "certifications"
from = 2021-01-01
to = 2021-03-31
value = 1000.0
sd = 20.0
source = "synthetic: far off on purpose, so one target is missed"
use = "hold-out"
"""


@pytest.fixture(scope="module")
def calibration(run_kcsim, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cal")
    (folder / "small.toml").write_text(SMALL_CITY)
    (folder / "prior.toml").write_text(PRIOR)
    (folder / "targets.toml").write_text(TARGETS)
    r = run_kcsim("calibrate", "targets.toml", "--parameters", "prior.toml", "--waves", 2, "--abc-runs", 60,
                  "--draws", 20, "--threads", 2, "--out", "cal.h5", "--force", cwd=folder)
    assert r.returncode == 0, r.stderr + r.stdout
    return folder, r.stdout


def _cells(html: str, table_id: str) -> list[list[str]]:
    body = html[html.index(f'id="{table_id}"'):]
    body = body[:body.index("</table>")]
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body)[1:]]


def test_report_of_a_calibration(run_kcsim, calibration):
    import h5py

    folder, printed = calibration
    r = run_kcsim("report", folder / "cal.h5")
    assert r.returncode == 0, r.stderr
    html = (folder / "cal.html").read_text(encoding="utf-8")
    with h5py.File(folder / "cal.h5") as f:
        c, p = f["calibration"], f["posterior"]
        names = list(c["target"].asstr()[:])
        q50 = c["predicted_q50"][:]
        waves = int(c.attrs["waves"])
        params = list(p["parameter"].asstr()[:])
        verdicts = list(p["verdict"].asstr()[:])
        identified = int(c.attrs["programme_effect_identified"])
        command = f.attrs["command"]
    # The targets table: one row per target, the file's predictive median, and the same verdict
    # (consistent / missed) as the program printed for each target.
    rows = _cells(html, "tbl-targets")
    assert [row[0] for row in rows] == names
    for name, median in zip(names, q50):
        assert re.search(rf'data-target="{name}"[^>]*data-median="{median!r}"', html)
        said = re.search(rf"^\s+\S+\s+{name}\s.*\s(consistent|MISSED)", printed, re.M).group(1).lower()
        assert re.search(rf'data-target="{name}"[^>]*data-verdict="{said}"', html), (name, said)
    assert 'data-target="certifications_q1" data-use="hold-out" data-verdict="missed"' in html
    assert rows[0][3] == "calibrate" and rows[0][2] == "2021-06-30" and rows[2][2] == "2021-01-01 to 2021-03-31"
    assert rows[0][4] == "2,300 firms"
    # Charts with marks: a bar per wave and the null check, the prior and posterior per parameter,
    # a dot per target.
    waves_svg = html[html.index('id="cal-waves"'):]
    waves_svg = waves_svg[:waves_svg.index("</svg>")]
    assert waves_svg.count('class="bar"') == waves + 1
    post_svg = html[html.index('id="cal-posterior"'):]
    post_svg = post_svg[:post_svg.index("</svg>")]
    assert post_svg.count('class="prior"') == len(params) and post_svg.count('class="dot"') == len(params)
    tgt_svg = html[html.index('id="cal-targets"'):]
    assert tgt_svg[:tgt_svg.index("</svg>")].count('class="dot"') == len(names)
    # The posterior table and the verdict in words; ABC diagnostics; provenance with the command.
    assert [row[5] for row in _cells(html, "tbl-posterior")] == verdicts
    assert ("cannot tell the programme" in html) == (not identified)
    for name, v in zip(params, verdicts):
        assert {"constrained": f"The targets pin {name} down", "weakly constrained": f"narrow {name} somewhat",
                "not constrained": f"say little about {name}"}[v] in html
    assert 'id="abc-diagnostics"' in html and "effective sample size" in html
    assert escape_html(command) in html and "map data" not in html
    r = run_kcsim("report", folder / "cal.h5", "--baseline", "x", "--out", folder / "b.html")
    assert r.returncode == 2 and "no baseline" in r.stderr and not (folder / "b.html").exists()


def escape_html(s: str) -> str:
    from html import escape
    return escape(s)


def test_report_of_a_comparison_over_a_posterior(run_kcsim, calibration):
    import h5py
    import numpy as np

    folder, _ = calibration
    (folder / "off.toml").write_text('name = "off"\nextends = "small.toml"\n[programme]\nlibraries = false\n')
    r = run_kcsim("compare", "off.toml", "small.toml", "--parameters", "cal.h5", "--replicates", 8, "--out",
                  "over.h5", "--force", "--quiet", cwd=folder)
    assert r.returncode == 0, r.stderr
    r = run_kcsim("report", folder / "over.h5")
    assert r.returncode == 0, r.stderr
    html = (folder / "over.html").read_text(encoding="utf-8")
    with h5py.File(folder / "over.h5") as f:
        text = f["comparison"].attrs["posterior_summary"]
        metric = list(f["comparison/metric"].asstr()[:])
        city = f["comparison/city"][:]
    with h5py.File(folder / "cal.h5") as f:
        identified = int(f["posterior"].attrs["programme_effect_identified"])
    summary = html[html.index('id="summary"'):html.index('id="fans"')]
    assert "Over the posterior" in summary and "P(higher)" in summary and "Parameters&#x27; share" in summary
    # Every row the program printed is in the page, with the same median, interval and P(higher)
    # as the printed table (to its rounding) and exactly the paired differences' quantiles.
    printed = [line.split() for line in text.splitlines() if line.startswith("  small ")]
    assert printed
    for row in printed:
        m = row[1]
        d = city[1, :, metric.index(m)] - city[0, :, metric.index(m)]
        tag = re.search(rf'<tr data-scenario="small" data-metric="{m}" data-median="([^"]+)" data-lo="([^"]+)" '
                        rf'data-hi="([^"]+)" data-p-higher="([^"]+)"', summary)
        assert tag, m
        assert float(tag.group(1)) == float(np.quantile(d, 0.5)) and float(tag.group(2)) == float(np.quantile(d, 0.05))
        assert abs(float(tag.group(4)) - float(row[-2])) < 0.006
        shown = _cells(summary, "tbl-posterior")[[r[1] for r in printed].index(m)]
        assert shown[2].lstrip("+−").split(" ")[0] == row[2].lstrip("-") or "." in row[2]
        if row[-1] == "n/a":
            assert shown[5] == "n/a"
        else:  # the program prints whole percent; the page three figures
            assert abs(float(shown[5].rstrip("%")) - float(row[-1].rstrip("%"))) <= 0.5
    # The calibration could not tell the programme's effect from none: the page says so, once.
    assert summary.count('id="rests-on-prior"') == (0 if identified else 1)
    assert ("rest on the prior" in summary) == (not identified)


# A small decision over the small city (2 of 6 candidates: 15 pairs, every one raced; 8
# replicates over the tiny calibration's posterior, with a reference plan): a few seconds.
DECISION = decision_text(name="pick", candidates=("nanan", "beibei", "kaizhou", "tongliang", "changshou", "dadukou"),
                         seed=5, head='reference = "ref.toml"\nparameters = "cal.h5"\n',
                         dates="[2021-02-01, 2021-03-01]")
REFERENCE = """name = "ref"
extends = "small.toml"
[[events]]
date = 2021-02-01
type = "pilot"
district = "nanan"
level = "municipal"
[[events]]
date = 2021-03-01
type = "pilot"
district = "beibei"
level = "municipal"
"""


def test_report_of_a_selection(run_kcsim, calibration):
    import h5py
    import numpy as np

    folder, _ = calibration
    (folder / "ref.toml").write_text(REFERENCE)
    (folder / "pick.toml").write_text(DECISION)
    r = run_kcsim("select", "pick.toml", "--threads", 2, "--out", "sel.h5", "--force", cwd=folder)
    assert r.returncode == 0, r.stderr + r.stdout
    printed = r.stdout
    r = run_kcsim("report", folder / "sel.h5")
    assert r.returncode == 0, r.stderr
    html = (folder / "sel.html").read_text(encoding="utf-8")
    with h5py.File(folder / "sel.h5") as f:
        s = f["selection"]
        names = list(s["portfolio"].asstr()[:])
        gain, p_best, vs_ref = s["gain_mean"][:], s["p_best"][:], s["vs_reference_mean"][:]
        best_districts = s["districts"].asstr()[0].split(",")
        con_d = list(s["contributions/district"].asstr()[:])
        con = s["contributions/contribution"][:]
        stages = s.attrs["stages"].splitlines()
        runs, exhaustive = int(s.attrs["runs"]), float(s.attrs["exhaustive_runs"])
        discovery = s.attrs["discovery_report"]
        params = list(s["discovery/parameter"].asstr()[:])
        command = f.attrs["command"]
    assert len(names) == 5 and best_districts == names[0].split("+")
    # The ranked table: the file's finalists in its order, with its gains and P(best) exactly, the
    # interval columns and the contrast with the reference plan.
    rows = _cells(html, "tbl-selection")
    assert [row[0] for row in rows] == [str(i + 1) for i in range(5)]
    assert [row[1].replace(" + ", "+") for row in rows] == names
    for name, g, p in zip(names, gain, p_best):
        assert re.search(rf'data-portfolio="{re.escape(name)}" data-rank="\d+" data-gain="{float(g)!r}" '
                         rf'data-p-best="{float(p)!r}"', html), name
    assert "<th>vs ref</th>" in html and rows[1][6] == numbers.number(vs_ref[1], "needs", True)
    assert rows[0][8] == "(best)" and " to " in rows[1][9]
    # The P(best) the program printed for each finalist, to its two decimals.
    for name, p in zip(names, p_best):
        line = next(line for line in printed.splitlines() if re.match(rf"\s+\d+\s+{re.escape(name)}\s", line))
        assert abs(float(line.split()[-2]) - p) < 0.006, line
    # Charts: a dot and whisker per finalist, a bar per finalist, a dot per contribution.
    for chart, mark, n in (("sel-gains", 'class="dot"', 5), ("sel-pbest", 'class="bar"', 5),
                           ("sel-contrib", 'class="dot"', len(con_d))):
        svg = html[html.index(f'id="{chart}"'):]
        assert svg[:svg.index("</svg>")].count(mark) == n, chart
    # Why the best: the leave-one-out contributions of its districts, as in the file.
    assert [row[0] for row in _cells(html, "tbl-contributions")] == con_d == best_districts
    for dist, c in zip(con_d, con):
        assert f'data-district="{dist}" data-contribution="{float(c)!r}"' in html
    # The search: its stages, its runs against racing every pair at the finalists' replicates.
    assert stages and all(escape_html(line) in html for line in stages)
    assert f"spent {numbers.number(runs)} simulation runs" in html and numbers.number(exhaustive) in html
    assert [row[1] for row in _cells(html, "tbl-evaluated")] and "Each district alone" not in html  # exhaustive
    # Scenario discovery over the posterior: the program's text and one row per parameter.
    assert escape_html(discovery.splitlines()[0]) in html and "Over the posterior" in html
    assert [row[0] for row in _cells(html, "tbl-discovery")] == params
    # The map: the best pair in the darkest class, the other candidates lighter, the base's
    # pilots (Shapingba joins by an event of programme-2021) grey.
    for dist in best_districts:
        assert re.search(rf'class="sel-best" data-id="{dist}"', html), dist
    assert html.count('class="sel-best"') == 2 and 'class="sel-pilot" data-id="shapingba"' in html
    assert all(re.search(rf'class="sel-(finalist|candidate|best)" data-id="{c}"', html)
               for c in ("nanan", "beibei", "kaizhou", "tongliang", "changshou", "dadukou"))
    assert escape_html(command) in html and "map data" in html
    r = run_kcsim("report", folder / "sel.h5", "--baseline", "x", "--out", folder / "b.html")
    assert r.returncode == 2 and "baseline" in r.stderr and not (folder / "b.html").exists()
    # kcsim.select gives the same search in memory, and its Dataset the same page without a map.
    ds = kcsim.select(str(folder / "pick.toml"), threads=2, progress=False)
    assert list(ds.portfolio.values) == names and np.array_equal(ds.gain_mean.values, gain)
    kcsim.report(ds, out=folder / "ds.html")
    page = (folder / "ds.html").read_text(encoding="utf-8")
    assert [row[1].replace(" + ", "+") for row in _cells(page, "tbl-selection")] == names
    assert 'id="selectionmap"' not in page and 'id="sel-contrib"' in page
