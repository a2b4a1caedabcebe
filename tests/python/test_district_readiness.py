"""Issue 15: districts differ as the data say, not only by size.

Each district that is not a pilot in the 2021 programme becomes, in turn, the one new municipal
pilot (from the first week), paired with the 2021 programme on the same 10 seeds. The programme's
effect in that district, per 1,000 firms it starts with, must be higher in the top readiness
quartile than in the bottom one, significantly over the paired replicates: on a size-only model
(district_data.differentiate = false) the per-firm effect does not rise with readiness.

Shorter than a planning run to stay near a minute: the horizon ends 2022-06-30 (18 months, enough
for awareness to build), with the full firm population so the small counties keep their ~50 firms.
scripts/district_pilots.py computes it; docs/validation.md reports the full 2-year table.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

kcsim = pytest.importorskip("kcsim")

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "district_pilots.py"


def _script():
    spec = importlib.util.spec_from_file_location("district_pilots", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_readiness_quartiles_differ_per_firm():
    dp = _script()
    r = dp.pilot_effects(replicates=10, end="2022-06-30")
    assert len(r["ids"]) == 27  # 41 units less the 14 pilots of the 2021 programme
    qc = dp.quartile_contrast(r)
    # Every district gains something from becoming a pilot.
    assert (r["effect"].mean(axis=1) > 0).all()
    # Top quartile above bottom, paired over replicates: t > 2.821 is p < 0.01 one-sided, 9 df.
    assert qc["top_mean"] > qc["bottom_mean"], qc
    assert qc["t"] > 2.821, qc
    # Readiness, not only size: the per-firm effect rises with readiness across all 27.
    assert dp.spearman(r["per1000"].mean(axis=1), r["readiness"]) > 0.3


def test_districts_command_lists_every_unit_with_tags_and_ranges(run_kcsim):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(run_kcsim("districts", "--csv").stdout)))
    assert len(rows) == 41
    by = {r["id"]: r for r in rows}
    assert by["wanzhou"]["name_zh"] == "万州区" and by["wanzhou"]["pilot_2021"].startswith("municipal")
    assert by["yongchuan"]["pilot_2021"].startswith("national")
    assert by["yubei"]["pilot_2021"].startswith("municipal from 2021-07-05")  # the plan's event
    assert by["yubei"]["st_rank_2021"] == "1" and by["yubei"]["st_rank_2021_tag"] == "source"
    for r in rows:
        for attr in ("tech_firms_2020", "high_tech_share", "rd_intensity_2020", "st_rank_2021", "universities",
                     "leading", "gdp_2020"):
            tag = r[attr + "_tag"]
            assert tag in ("source", "derived", "assumption"), (r["id"], attr, tag)
            if tag == "assumption" and attr != "leading":  # the leading tilt's range is a parameter
                assert r[attr + "_low"] and r[attr + "_high"], (r["id"], attr)
    # Districts differ in more than size: readiness spans a wide range.
    ready = [float(r["readiness"]) for r in rows]
    assert max(ready) - min(ready) > 0.4
    md = run_kcsim("districts", "--markdown").stdout.splitlines()
    assert len([ln for ln in md if ln.startswith("| `")]) == 41


def test_chinese_names_and_did_you_mean(tmp_path, run_kcsim):
    good = ('extends = "builtin:base/programme-2021.toml"\nname = "zh"\n[[events]]\ndate = 2021-03-01\n'
            'type = "pilot"\ndistrict = "开州区"\nlevel = "municipal"\n')
    (tmp_path / "zh.toml").write_text(good, encoding="utf-8")
    out = run_kcsim("districts", tmp_path / "zh.toml", "--csv").stdout
    assert "kaizhou,Kaizhou,开州区,northeast,district,,municipal from 2021-03-01" in out
    (tmp_path / "bad.toml").write_text(good.replace("开州区", "开洲区"), encoding="utf-8")
    bad = run_kcsim("check", tmp_path / "bad.toml")
    assert bad.returncode == 2
    assert "bad.toml:6:" in bad.stderr and "did you mean '开州区'?" in bad.stderr
    sc = kcsim.load_scenario(str(tmp_path / "zh.toml"))
    sim = kcsim.Simulation(sc, replicate=0)
    sim.set_pilot("巫溪县", "municipal")
    with pytest.raises(ValueError, match="did you mean '巫溪县'"):
        sim.set_pilot("巫溪", "municipal")
    row = next(d for d in sc.district_table if d["id"] == "shapingba")
    assert abs(sum(row["sector_shares"].values()) - 1) < 1e-12
    assert row["sector_shares"]["digital"] > 0.3  # its leading industry, above the city's 0.22
