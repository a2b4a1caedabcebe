#!/usr/bin/env python3
"""Which district should be the next pilot? The issue-15 checks and validation tables.

    .venv/bin/python scripts/district_pilots.py effects [--replicates 10] [--scale 1] [--end 2022-12-31]
    .venv/bin/python scripts/district_pilots.py ranking [--replicates 10]
    add --old to run the size-only model (district_data.differentiate = false) instead

`effects` makes each district that is not a pilot in the 2021 programme (builtin:base/programme-2021.toml)
the one new municipal pilot from the first week, runs it paired with the 2021 programme (same
seeds), and reports per district: the firms it starts with, its readiness, the effect (extra
needs solved city-wide to --end) and the effect per 1,000 starting firms; then the Spearman
correlation of the effect with the starting size and with readiness, and the paired comparison of
the top and bottom readiness quartiles (what tests/python/test_district_readiness.py asserts).

`ranking` runs the plan's first rounds (builtin:base/plan-2021-2022.toml) to end-2022, ranks the
38 county-level units by their tech-based and high-tech firms (a zone's firms counted in its
parent district) and compares that with the public 2021 S&T competitiveness ranking, for the new
data and for the old GDP allocation side by side (docs/validation.md has the numbers).
"""
from __future__ import annotations

import argparse
import math
import sys

import numpy as np

import kcsim

BASE = "builtin:base/programme-2021.toml"


# Extra TOML for every scenario the script builds (e.g. "[readiness]\nuptake_elasticity = 3\n").
SETTINGS = ""


def _text(extends: str, name: str, end: str, scale: float, old: bool, extra: str = "") -> str:
    t = f'extends = "{extends}"\nname = "{name}"\n[calendar]\nend = {end}\n' + SETTINGS
    if scale != 1.0:
        t += f"[population]\ntech_firms = {round(26400 * scale)}\nother_firms = {round(40000 * scale)}\n"
    if old:
        t += "[district_data]\ndifferentiate = false\n"
    return t + extra


def rankdata(x) -> np.ndarray:
    """Average ranks, 1 = smallest (ties share their mean rank)."""
    x = np.asarray(x, dtype=float)
    order = np.argsort(x, kind="stable")
    r = np.empty(len(x))
    r[order] = np.arange(1, len(x) + 1)
    for v in np.unique(x):
        m = x == v
        r[m] = r[m].mean()
    return r


def spearman(a, b) -> float:
    return float(np.corrcoef(rankdata(a), rankdata(b))[0, 1])


def pilot_effects(replicates: int = 10, scale: float = 1.0, end: str = "2022-12-31", old: bool = False,
                  metric: str = "problems_solved", threads: int = 0) -> dict:
    base = kcsim.load_scenario_text(_text(BASE, "base", end, scale, old))
    table = base.district_table
    ids = [d["id"] for d in table]
    # Pilots in the 2021 programme: at the start, or designated by its events (read from the first step).
    first = kcsim.run(base, replicates=1)["metrics"].sel(metric="pilot_status").isel(replicate=0, time=0)
    candidates = [i for i in ids if float(first.sel(district=i)) == 0]
    variants = [kcsim.load_scenario_text(_text(BASE, f"pilot-{i}", end, scale, old,
                                               f'[[events]]\ndate = 2021-01-04\ntype = "pilot"\ndistrict = "{i}"\n'
                                               'level = "municipal"\n')) for i in candidates]
    c = kcsim.compare([base] + variants, replicates=replicates, threads=threads)
    m = c["metrics"]
    # The effect in the new pilot itself: what its own firms gain. (City-wide sums add the
    # reshuffle of city-wide activities, forum hosts and visits rotating over one more pilot, a
    # roughly fixed amount that would swamp the small districts' per-firm figures.)
    flows = m.sel(metric=metric).sum(dim="time")  # (scenario, replicate, district)
    effect = np.array([(flows.isel(scenario=k + 1) - flows.isel(scenario=0)).sel(district=i).values
                       for k, i in enumerate(candidates)])  # (candidate, replicate), paired by replicate
    city = (flows.sum("district").values[1:] - flows.sum("district").values[0])
    firms0 = m.sel(metric="firms").isel(scenario=0, time=0).mean("replicate")
    start = np.array([float(firms0.sel(district=i)) for i in candidates])
    per1000 = effect / (start[:, None] / 1000.0)
    ready = np.array([next(d["readiness"] for d in table if d["id"] == i) for i in candidates])
    return {"ids": candidates, "start": start, "readiness": ready, "effect": effect, "per1000": per1000, "city": city,
            "names_zh": [next(d["name_zh"] for d in table if d["id"] == i) for i in candidates]}


def quartile_contrast(r: dict) -> dict:
    """Top vs bottom readiness quartile: per replicate, the mean effect per 1,000 firms of each,
    and a paired t statistic over the replicates."""
    n = len(r["ids"])
    q = max(1, n // 4)
    order = np.argsort(r["readiness"], kind="stable")
    low, high = order[:q], order[-q:]
    diff = r["per1000"][high].mean(axis=0) - r["per1000"][low].mean(axis=0)  # (replicate,)
    sd = diff.std(ddof=1) if len(diff) > 1 else float("nan")
    t = diff.mean() / (sd / math.sqrt(len(diff))) if sd > 0 else float("inf") * np.sign(diff.mean())
    return {"top": [r["ids"][k] for k in high], "bottom": [r["ids"][k] for k in low],
            "top_mean": float(r["per1000"][high].mean()), "bottom_mean": float(r["per1000"][low].mean()),
            "diff": diff, "t": float(t)}


def print_effects(r: dict, title: str) -> None:
    mean_eff = r["effect"].mean(axis=1)
    mean_pk = r["per1000"].mean(axis=1)
    print(f"## {title}\n")
    mean_city = r["city"].mean(axis=1)
    print("| district | 区县 | starting firms | readiness | extra problems solved in the district | per 1,000 starting firms | extra problems solved city-wide |")
    print("|---|---|---|---|---|---|---|")
    for k in np.argsort(-mean_eff):
        print(f"| {r['ids'][k]} | {r['names_zh'][k]} | {r['start'][k]:,.0f} | {r['readiness'][k]:.3f} | "
              f"{mean_eff[k]:,.0f} | {mean_pk[k]:.1f} | {mean_city[k]:,.0f} |")
    qc = quartile_contrast(r)
    print(f"\nSpearman(effect, starting firms) = {spearman(mean_eff, r['start']):.3f}; "
          f"Spearman(effect per 1,000, readiness) = {spearman(mean_pk, r['readiness']):.3f}; "
          f"Spearman(effect, readiness) = {spearman(mean_eff, r['readiness']):.3f}")
    print(f"Top readiness quartile {qc['top']}: {qc['top_mean']:.1f} per 1,000; bottom {qc['bottom']}: "
          f"{qc['bottom_mean']:.1f} per 1,000; paired t over {len(qc['diff'])} replicates = {qc['t']:.2f}\n")


def ranking(replicates: int = 10, old: bool = False, threads: int = 0) -> dict:
    sc = kcsim.load_scenario_text(_text("builtin:base/plan-2021-2022.toml", "rank", "2022-12-31", 1.0, old))
    table = sc.district_table
    ds = kcsim.run(sc, replicates=replicates, threads=threads)["metrics"].isel(time=-1).mean("replicate")
    units = [d for d in table if d["kind"] != "functional_zone"]
    out = {}
    for metric in ("tech_firms", "high_tech_firms"):
        v = {d["id"]: float(ds.sel(district=d["id"], metric=metric)) for d in table}
        for d in table:  # a zone's firms count in its parent district, as the public ranking does
            if d["kind"] == "functional_zone" and d["parent"]:
                v[d["parent"]] += v[d["id"]]
        vals = np.array([v[d["id"]] for d in units])
        out[metric] = vals
    out["ids"] = [d["id"] for d in units]
    out["subregion"] = [d["subregion"] for d in units]
    out["public_rank"] = np.array([d["st_rank_2021"] for d in units])
    return out


PUBLIC = {  # 2022年度重庆市区县科技竞争力评价报告 (2021 ranking): the named leaders
    "city top 3": ["yubei", "jiangbei", "shapingba"],
    "metro top 5": ["yubei", "jiangbei", "shapingba", "beibei", "jiulongpo"],
    "northeast top 3": ["wanzhou", "zhongxian", "kaizhou"],
    "southeast top 3": ["shizhu", "qianjiang", "wulong"],
}


def ranking_table(new: dict, old: dict) -> None:
    print("| check | public 2021 | new data: model top (tech firms) | hits | old GDP allocation: model top | hits |")
    print("|---|---|---|---|---|---|")
    for label, leaders in PUBLIC.items():
        region = {"city": None, "metro": "metro", "northeast": "northeast", "southeast": "southeast"}[label.split()[0]]
        row = [f"| {label} | {', '.join(leaders)} "]
        for r in (new, old):
            idx = [k for k in range(len(r["ids"])) if region is None or r["subregion"][k] == region]
            top = [r["ids"][k] for k in sorted(idx, key=lambda k: -r["tech_firms"][k])[:len(leaders)]]
            row.append(f"| {', '.join(top)} | {len(set(top) & set(leaders))}/{len(leaders)} ")
        print("".join(row) + "|")
    print()
    print("| Spearman with the public rank (38 units; ranks beyond the named leaders are the data file's assumptions) | new data | old GDP allocation |")
    print("|---|---|---|")
    for metric in ("tech_firms", "high_tech_firms"):
        a = spearman(-new[metric], new["public_rank"])
        b = spearman(-old[metric], old["public_rank"])
        print(f"| end-2022 {metric} | {a:.3f} | {b:.3f} |")
    named = sorted({i for v in PUBLIC.values() for i in v})
    for metric in ("tech_firms",):
        for lab, r in (("new", new), ("old", old)):
            pass
    print()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["effects", "ranking"])
    ap.add_argument("--replicates", type=int, default=10)
    ap.add_argument("--scale", type=float, default=1.0, help="firm population as a share of the city's")
    ap.add_argument("--end", default="2022-12-31")
    ap.add_argument("--old", action="store_true", help="the size-only model (district_data.differentiate = false)")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--set", default="", help='TOML added to every scenario, e.g. "[readiness]\\nuptake_elasticity = 3"')
    a = ap.parse_args()
    global SETTINGS
    SETTINGS = a.set.replace("\\n", "\n") + ("\n" if a.set else "")
    if a.what == "effects":
        r = pilot_effects(a.replicates, a.scale, a.end, a.old, threads=a.threads)
        print_effects(r, ("old size-only model" if a.old else "new data") +
                      f": each non-pilot district as the one new pilot, {a.replicates} paired replicates to {a.end}")
    else:
        ranking_table(ranking(a.replicates, False, a.threads), ranking(a.replicates, True, a.threads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
