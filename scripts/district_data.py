#!/usr/bin/env python3
"""Regenerate the issue-15 district attributes in scenarios/base/chongqing.toml.

The point values, tags and ranges below are the data layer's source of truth for the attributes
added in issue 15 (docs/data-districts.md explains each). Running this rewrites, for every
[[districts]] entry, the keys tech_firms_2020, tech_firms_gdp_2020, high_tech_share,
high_tech_firms_2020, gdp_2021, rd_intensity_2020, st_rank_2021, universities, leading, ranges and
the matching `source` notes. It is idempotent: run it after changing a figure here.

    .venv/bin/python scripts/district_data.py            # rewrite in place
    .venv/bin/python scripts/district_data.py --check    # exit 1 if the file is out of date
"""
import math
import re
import sys
from pathlib import Path

FILE = Path(__file__).resolve().parent.parent / "scenarios/base/chongqing.toml"

CITY_TECH = 26400
POOLS = {"metro": 24842, "northeast": 1320, "southeast": 238}
# 2020 R&D spending by sub-region, 亿元 (2020年重庆市科技投入统计公报)
RD_SPEND = {"metro": 495.54, "northeast": 26.35, "southeast": 4.9}
GDP_GROWTH_2021 = 27894.02 / 25041.43   # city nominal GDP 2021 / 2020 (revised)
CITY_HT_SHARE = 0.148
HTZ_FIRMS, LJ_FIRMS = 803, 1588
HTZ_SPAN = ["shapingba", "jiulongpo", "beibei", "jiangjin", "bishan"]
LJ_SPAN = ["jiangbei", "yubei", "beibei"]
EDZ_FRACTION = 250 / 741.08

# id: (relative R&D level within its sub-region, universities, overall S&T rank 2021, leading sectors)
# Relative R&D levels and university counts are assumptions (docs/data-districts.md); the ranks of
# the units named in the 2022 competitiveness report are sourced, the others assumed.
A = {
    "yuzhong": (0.5, 3, 7, ["services", "digital"]),
    "dadukou": (None, 2, 14, ["materials", "digital"]),
    "jiangbei": (1.3, 3, 2, ["biomedicine", "services"]),
    "shapingba": (1.6, 8, 3, ["digital"]),
    "jiulongpo": (1.4, 8, 5, ["manufacturing", "materials"]),
    "nanan": (1.3, 8, 6, ["digital", "services"]),
    "beibei": (1.5, 6, 4, ["manufacturing", "biomedicine"]),
    "yubei": (1.5, 8, 1, ["manufacturing", "consumer"]),
    "banan": (1.0, 7, 9, ["biomedicine", "manufacturing"]),
    "fuling": (1.0, 3, 8, ["materials", "energy"]),
    "changshou": (0.9, 2, 13, ["materials", "energy"]),
    "jiangjin": (0.9, 8, 12, ["manufacturing", "consumer"]),
    "hechuan": (0.7, 6, 16, ["manufacturing", "energy"]),
    "yongchuan": (0.9, 17, 10, ["digital", "manufacturing"]),
    "nanchuan": (0.6, 2, 20, ["materials", "biomedicine"]),
    "qijiang": (0.7, 1, 21, ["manufacturing", "energy"]),
    "dazu": (0.8, 2, 18, ["manufacturing", "consumer"]),
    "bishan": (1.1, 3, 11, ["digital", "manufacturing"]),
    "tongliang": (0.9, 2, 17, ["manufacturing", "materials"]),
    "tongnan": (0.7, 1, 22, ["materials", "consumer"]),
    "rongchang": (0.9, 2, 15, ["consumer", "biomedicine"]),
    "wanzhou": (1.3, 5, 19, ["energy", "materials"]),
    "kaizhou": (1.1, 1, 24, ["consumer", "digital"]),
    "liangping": (1.0, 1, 25, ["consumer", "manufacturing"]),
    "chengkou": (0.5, 0, 38, ["consumer", "energy"]),
    "fengdu": (0.7, 0, 30, ["consumer", "energy"]),
    "dianjiang": (0.9, 1, 27, ["consumer", "manufacturing"]),
    "zhongxian": (1.1, 1, 23, ["consumer", "energy"]),
    "yunyang": (0.8, 1, 31, ["consumer", "energy"]),
    "fengjie": (0.7, 0, 33, ["consumer", "energy"]),
    "wushan": (0.6, 0, 34, ["consumer", "energy"]),
    "wuxi": (0.5, 0, 37, ["consumer", "energy"]),
    "qianjiang": (1.2, 2, 28, ["consumer", "biomedicine"]),
    "wulong": (1.0, 0, 29, ["consumer", "energy"]),
    "shizhu": (1.3, 0, 26, ["consumer", "biomedicine"]),
    "xiushan": (0.9, 1, 32, ["consumer", "materials"]),
    "youyang": (0.7, 0, 36, ["consumer", "biomedicine"]),
    "pengshui": (0.8, 0, 35, ["energy", "consumer"]),
    "high_tech_zone": (None, 14, None, ["digital", "biomedicine"]),
    "changshou_edz": (None, 0, None, ["materials", "energy"]),
    "liangjiang": (None, 4, None, ["manufacturing", "digital"]),
}
REPORT = "2022年度重庆市区县科技竞争力评价报告 (重庆科技发展战略研究院, Dec 2022; mirror http://www.7778890.com/xinwen/yanjiu/2022/1229/294411.html)"
RANK_SOURCED = {
    "yubei": "ext: 1st of 38 in 2021, " + REPORT,
    "jiangbei": "ext: 2nd of 38 in 2021, " + REPORT,
    "shapingba": "ext: 3rd of 38 in 2021, " + REPORT,
}
RANK_SUBREGION = {  # sourced sub-region ranks; the overall rank is then an assumption inside a range
    "beibei": ("4th in the metro area", 4, 6), "jiulongpo": ("5th in the metro area", 5, 8),
    "wanzhou": ("1st in the northeast", 12, 22), "zhongxian": ("2nd in the northeast", 18, 26),
    "kaizhou": ("3rd in the northeast", 19, 28), "shizhu": ("1st in the southeast", 20, 30),
    "qianjiang": ("2nd in the southeast", 22, 31), "wulong": ("3rd in the southeast", 24, 33),
}
LEAD_SOURCED = {
    "yubei": "ext: 1st in autos and consumer goods, " + REPORT,
    "fuling": "ext: 1st in chemicals and energy, " + REPORT,
    "shapingba": "ext: 1st in electronics, " + REPORT,
    "jiulongpo": "ext: 1st in equipment (materials added as an assumption), " + REPORT,
    "jiangbei": "ext: 1st in biomedicine (services added as an assumption), " + REPORT,
    "changshou": "ext: 1st in materials (energy added as an assumption), " + REPORT,
    "yongchuan": "seed 001/003: big-data industrial park (digital); manufacturing an assumption",
}
UNIV_SOURCED = {
    "yongchuan": "seed 001/003: 17 vocational colleges",
    "high_tech_zone": "ext: 14 institutions in 重庆大学城 (peixunla.com/ask/154245.html, 2024), which lies in the zone's direct-managed core (assumption: counted here, not in 沙坪坝)",
}


def lr_round(values, total):
    """Largest-remainder rounding of `values` (a dict) to integers summing to `total`."""
    floors = {k: math.floor(v) for k, v in values.items()}
    left = total - sum(floors.values())
    order = sorted(values, key=lambda k: -(values[k] - floors[k]))
    for k in order[:left]:
        floors[k] += 1
    return floors


def esc(v):
    """A note as the body of a TOML basic string (notes read back from the file are already escaped)."""
    return re.sub(r'(?<!\\)"', r'\\"', v)


def span(x, frac, lo_floor=0.0, hi_cap=None, digits=2):
    lo, hi = max(lo_floor, x * (1 - frac)), x * (1 + frac)
    if hi_cap is not None:
        hi = min(hi, hi_cap)
    return [round(lo, digits), round(hi, digits)]


def main(check):
    text = FILE.read_text(encoding="utf-8")
    head, *blocks = re.split(r"(?m)^\[\[districts\]\]\n", text)
    recs = []
    for b in blocks:
        get = lambda k: re.search(rf'(?m)^{k} = (.*)$', b).group(1)
        recs.append({"id": get("id").strip('"'), "subregion": get("subregion").strip('"'),
                     "kind": get("kind").strip('"'), "gdp": float(get("gdp_2020")),
                     "tech_old": int(get("tech_firms_2020")) if "tech_firms_gdp_2020" not in b
                     else int(get("tech_firms_gdp_2020"))})
    by = {r["id"]: r for r in recs}
    zones = {"high_tech_zone", "changshou_edz", "liangjiang"}

    # R&D intensity: relative level x sub-region factor so the sub-region's R&D total is met.
    rd, rd_src, rd_rng = {}, {}, {}
    rd["dadukou"] = 3.98
    rd_src["dadukou"] = ("ext: R&D/GDP 3.98% at the end of the 13th five-year plan (2020), 重庆市大渡口区"
                         "\"十四五\"科技创新规划, 2021 (https://www.ddk.gov.cn/zwgk_271/zfxxgk/fdzdgknr/ghxx/zxgh/"
                         "202111/t20211123_10014506.html)")
    rd_rng["dadukou"] = None
    for sr in POOLS:
        units = [r for r in recs if r["subregion"] == sr and r["id"] not in zones]
        fixed = sum(rd[r["id"]] / 100 * r["gdp"] for r in units if r["id"] in rd)
        rel = sum(A[r["id"]][0] * r["gdp"] for r in units if r["id"] not in rd)
        k = (RD_SPEND[sr] - fixed) / rel * 100
        for r in units:
            if r["id"] in rd:
                continue
            v = round(A[r["id"]][0] * k, 2)
            rd[r["id"]] = v
            rd_src[r["id"]] = (f"assumption: relative level {A[r['id']][0]} x {k:.3f}%, the factor that makes the "
                               f"{sr} units' R&D (intensity x gdp_2020) add up to the sub-region's {RD_SPEND[sr]} 亿元 "
                               "in 2020 (2020年重庆市科技投入统计公报); range ±40%")
            rd_rng[r["id"]] = span(v, 0.4)
    rd["high_tech_zone"] = 5.0
    rd_src["high_tech_zone"] = ("derived: between 4.6% (c. 2017) and 5.5% (2024) reported for the zone "
                                "(domain.md 5.3); range 4.6-5.5")
    rd_rng["high_tech_zone"] = [4.6, 5.5]
    rd["changshou_edz"] = round(rd["changshou"] * 1.3, 2)
    rd_src["changshou_edz"] = "assumption: 1.3 x 长寿区 (the EDZ holds its R&D-intensive chemical industry); range ±40%"
    rd_rng["changshou_edz"] = span(rd["changshou_edz"], 0.4)
    rd["liangjiang"] = 2.8
    rd_src["liangjiang"] = "assumption: above the metro mean 2.58% (manufacturing-heavy national new area); range 2.0-4.0"
    rd_rng["liangjiang"] = [2.0, 4.0]

    # Tech firms: sub-region pools, within a pool by R&D spending (gdp x intensity), zones fixed.
    tech, tech_src = {}, {}
    for sr, pool in POOLS.items():
        units = [r for r in recs if r["subregion"] == sr and r["id"] not in zones]
        w = {r["id"]: r["gdp"] * rd[r["id"]] for r in units}
        tw = sum(w.values())
        raw = {u: pool * w[u] / tw for u in w}
        notes = {u: f"derived: {pool} ({sr} pool) x {w[u] / 100:.2f}/{tw / 100:.2f} (share of the pool's R&D spending, gdp_2020 x rd_intensity_2020)" for u in w}
        if sr == "metro":
            for zone, firms, spanned in (("high_tech_zone", HTZ_FIRMS, HTZ_SPAN), ("liangjiang", LJ_FIRMS, LJ_SPAN)):
                sw = sum(w[u] for u in spanned)
                for u in spanned:
                    raw[u] -= firms * w[u] / sw
                    notes[u] += f" - {firms}x{w[u] / sw:.3f} ({zone} part)"
            raw["changshou_edz"] = raw["changshou"] * EDZ_FRACTION
            raw["changshou"] -= raw["changshou_edz"]
            notes["changshou"] += " x (1 - 250/741.08) (EDZ part removed)"
            notes["changshou_edz"] = f"derived: 长寿's R&D-share of the metro pool x 250/741.08 (EDZ GDP fraction)"
            pool -= HTZ_FIRMS + LJ_FIRMS
        # A floor of 20 firms, paid for by the pool's other units.
        low = [u for u in raw if raw[u] < 20]
        if low:
            rest = [u for u in raw if u not in low]
            scale = (pool - 20 * len(low)) / sum(raw[u] for u in rest)
            for u in rest:
                raw[u] *= scale
                notes[u] += f", x{scale:.4f} to fund the 20-firm floor"
            for u in low:
                raw[u] = 20.0
                notes[u] += " -> raised to the 20-firm floor"
        tech.update(lr_round(raw, pool))
        tech_src.update(notes)
    tech["high_tech_zone"], tech["liangjiang"] = HTZ_FIRMS, LJ_FIRMS
    tech_src["high_tech_zone"] = "derived: 1,122 (2021) x 26,400/36,900 = 802.7 (scaled to end-2020)"
    tech_src["liangjiang"] = "derived: 2,219 (c. 2021) x 26,400/36,900 = 1587.6 (scaled to end-2020)"
    assert sum(tech.values()) == CITY_TECH, sum(tech.values())

    # High-tech share: 0.148 x sqrt(rd / 2.11), then scaled so the city keeps 14.8%.
    raw_ht = {u: CITY_HT_SHARE * math.sqrt(rd[u] / 2.11) for u in by if u != "high_tech_zone"}
    target = CITY_HT_SHARE * CITY_TECH - 0.21 * HTZ_FIRMS
    k = target / sum(raw_ht[u] * tech[u] for u in raw_ht)
    ht, ht_src, ht_rng = {"high_tech_zone": 0.21}, {}, {"high_tech_zone": [0.18, 0.25]}
    ht_src["high_tech_zone"] = "ext: 240/1,122 高新技术企业/科技型企业 in 2021 (daluzixun, domain.md 5.3); range 0.18-0.25"
    for u, v in raw_ht.items():
        ht[u] = round(min(0.35, max(0.04, v * k)), 3)
        ht_src[u] = (f"derived: 0.148 x sqrt(rd_intensity_2020/2.11) x {k:.3f} (so the city keeps 6,348/42,989 = 14.8%, "
                     "市科技局 2023); range ±30%")
        ht_rng[u] = span(ht[u], 0.3, 0.0, 1.0, 3)

    out = [head]
    for b, r in zip(blocks, recs):
        u = r["id"]
        rel, univ, rank, lead = A[u]
        src = {}
        # GDP 2021
        if u == "fuling":
            g21, src["gdp_2021"] = 1402.74, "ext: 涪陵区2021年统计公报 (mirror http://bx2200.com/tjgongbao/xn/3455.html)"
        elif u == "rongchang":
            g21, src["gdp_2021"] = 813.47, "ext: 荣昌区统计局 2022 (http://www.rongchang.gov.cn/zwgk_264/zfxxgkml/tjxx2021/tjgg/202203/t20220322_10536971.html)"
        elif u == "qijiang":
            g21, src["gdp_2021"] = 742.33, "ext: maigoo compilation (incl. 万盛; 綦江 alone 506.91, cqqj.gov.cn 2022)"
        elif u == "high_tech_zone":
            g21, src["gdp_2021"] = 588.6, "ext: daluzixun 2022 reproducing the zone's release (domain.md 5.3)"
        else:
            g21 = round(r["gdp"] * GDP_GROWTH_2021, 2)
            src["gdp_2021"] = "derived: gdp_2020 x 27,894.02/25,041.43 (city nominal growth 2021, 市统计局 2022)"
        rng = {}
        old_gdp_note = re.search(r'gdp_2020 = "((?:[^"\\]|\\.)*)"', b).group(1)
        if u == "changshou_edz":
            rng["gdp_2020"] = [150, 400]
        elif u == "liangjiang":
            rng["gdp_2020"] = [2000, 4200]
        elif old_gdp_note.startswith("assumption"):
            rng["gdp_2020"] = span(r["gdp"], 0.15)
        src["rd_intensity_2020"] = rd_src[u]
        if rd_rng[u]:
            rng["rd_intensity_2020"] = rd_rng[u]
        src["high_tech_share"] = ht_src[u]
        rng["high_tech_share"] = ht_rng[u]
        htf = round(tech[u] * ht[u])
        src["high_tech_firms_2020"] = f"derived: round(tech_firms_2020 x high_tech_share) = round({tech[u]} x {ht[u]})"
        src["tech_firms_2020"] = tech_src[u]
        src["tech_firms_gdp_2020"] = "derived: the pre-issue-15 allocation by GDP share within each sub-region pool (docs/data-districts.md)"
        if u in zones:
            parent = re.search(r'(?m)^parent = "(.*)"$', b).group(1)
            rank = A[parent][2]
            src["st_rank_2021"] = f"derived: the parent district's rank ({parent}); the report ranks the 38 county-level units only"
        elif u in RANK_SOURCED:
            src["st_rank_2021"] = RANK_SOURCED[u]
        elif u in RANK_SUBREGION:
            what, lo, hi = RANK_SUBREGION[u]
            src["st_rank_2021"] = f"ext: {what} in 2021, {REPORT}; assumption: overall rank {rank}, range {lo}-{hi}"
            rng["st_rank_2021"] = [lo, hi]
        else:
            lo, hi = max(1, rank - 4), min(38, rank + 4)
            src["st_rank_2021"] = (f"assumption: ordered after the report's named leaders, using the 2015 report's five "
                                   f"tiers (hbxmad.com/newdetail-278658.html) and the 2023 index's tiers; range {lo}-{hi}")
            rng["st_rank_2021"] = [lo, hi]
        if u in UNIV_SOURCED:
            src["universities"] = UNIV_SOURCED[u]
        else:
            d = max(1, round(0.4 * univ))
            src["universities"] = ("assumption: higher-education institutions with a campus here, from general knowledge; "
                                   f"no district count found; range {max(0, univ - d)}-{univ + d}")
            rng["universities"] = [max(0, univ - d), univ + d]
        if u == "high_tech_zone":
            rng["universities"] = [10, 18]
        src["leading"] = LEAD_SOURCED.get(u, "assumption: the district's main industries from general knowledge and district plans")
        # Rebuild the block: drop old generated keys, then insert before `pilot =`.
        keep = [ln for ln in b.rstrip("\n").split("\n")
                if not re.match(r"^(tech_firms_2020|tech_firms_gdp_2020|high_tech_share|high_tech_firms_2020|gdp_2021|"
                                r"rd_intensity_2020|st_rank_2021|universities|leading|ranges|source) = ", ln)]
        old_src = re.search(r"(?m)^source = \{ (.*) \}$", b).group(1)
        old = dict(re.findall(r'(\w+) = "((?:[^"\\]|\\.)*)"', old_src))
        merged = {"gdp_2020": old["gdp_2020"], "pilot": old["pilot"], **src}
        new = [f"tech_firms_2020 = {tech[u]}", f"tech_firms_gdp_2020 = {r['tech_old']}", f"high_tech_share = {ht[u]}",
               f"high_tech_firms_2020 = {htf}", f"gdp_2021 = {g21}", f"rd_intensity_2020 = {rd[u]}",
               f"st_rank_2021 = {rank}", f"universities = {univ}",
               "leading = [" + ", ".join(f'"{s}"' for s in lead) + "]",
               "ranges = { " + ", ".join(f"{k} = [{v[0]}, {v[1]}]" for k, v in rng.items()) + " }"]
        i = next(j for j, ln in enumerate(keep) if ln.startswith("pilot = "))
        keep[i:i] = new
        keep.append("source = { " + ", ".join(f'{k} = "{esc(v)}"' for k, v in merged.items()) + " }")
        out.append("[[districts]]\n" + "\n".join(keep) + "\n\n")
    result = "".join(out).rstrip("\n") + "\n"
    if check:
        sys.exit(0 if result == text else 1)
    FILE.write_text(result, encoding="utf-8")


if __name__ == "__main__":
    main("--check" in sys.argv)
