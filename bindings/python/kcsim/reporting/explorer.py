"""The map of districts and the district and sub-region tables, both drawn in the page from one
data block, so that the metric and the view (a scenario's value, or its paired difference from
the baseline) can be chosen in the page."""

from __future__ import annotations

from html import escape

import numpy as np

from . import geo
from .figures import SUBREGIONS, Figures, describe, paired
from .page import Section, clean
from .words import SUBREGION, metric_label, ui


def explorer_data(fig: Figures, baseline: str, districts: list[dict], lang: str, default_metric: str) -> dict:
    """DATA for the page's script: per metric and scenario, [mean, lo, hi] for each district and
    area (90% interval over replicates), and for each scenario but the baseline its paired
    difference [mean, lo95, hi95, P(higher)]."""
    b = fig.scenarios.index(baseline)
    dist = fig.by_district()                                   # (S, R, D, M)
    ids = [d["id"] for d in districts]
    areas = [a for a in SUBREGIONS if any(d["subregion"] == a for d in districts)] + ["city"]
    area_vals = np.stack([fig.area([d["id"] for d in districts if d["subregion"] == a] if a != "city" else ids)
                          for a in areas], axis=2)             # (S, R, A, M)

    def stats(x):  # (S, R, N, M) -> value (S, N, M, 3), diff (S, N, M, 4)
        v = np.stack([describe(x[s]) for s in range(x.shape[0])])              # (S, 3, N, M)
        d = np.stack([paired(x[b], x[s]) for s in range(x.shape[0])])          # (S, 4, N, M)
        return np.moveaxis(v, 1, -1), np.moveaxis(d, 1, -1)

    dv, dd = stats(dist)
    av, ad = stats(area_vals)
    data = {"scenarios": fig.scenarios, "baseline": baseline, "default_metric": default_metric,
            "districts": [{k: d[k] for k in ("id", "name", "name_zh", "subregion", "kind")} for d in districts],
            "metrics": [{"id": m, "label": metric_label(m, lang), "unit": fig.units[k], "kind": fig.kinds[k]}
                        for k, m in enumerate(fig.metrics)],
            "areas": areas, "area_labels": SUBREGION["zh" if lang == "zh" else "en"],
            "area_labels_en": SUBREGION["en"], "area_labels_zh": SUBREGION["zh"],
            "dist": {}, "diff": {}, "sub": {}, "subdiff": {}}
    for k, m in enumerate(fig.metrics):
        data["dist"][m] = {s: dv[i, :, k, :] for i, s in enumerate(fig.scenarios)}
        data["sub"][m] = {s: av[i, :, k, :] for i, s in enumerate(fig.scenarios)}
        data["diff"][m] = {s: dd[i, :, k, :] for i, s in enumerate(fig.scenarios) if i != b}
        data["subdiff"][m] = {s: ad[i, :, k, :] for i, s in enumerate(fig.scenarios) if i != b}
    return clean(data)


def map_svg(districts: list[dict], lang: str) -> str:
    shapes = geo.district_shapes(districts)
    names = {d["id"]: d for d in districts}
    w, h = shapes["width"], shapes["height"]
    out = [f'<svg id="districtmap" viewBox="-150 -10 {w + 160:.0f} {h + 20:.0f}" xmlns="http://www.w3.org/2000/svg" '
           f'role="img" aria-label="{escape(ui(lang)["map"])}">']
    for r in shapes["regions"]:
        d = names[r["id"]]
        out.append(f'<path class="district" data-id="{r["id"]}" d="{r["d"]}"><title>{escape(d["name"])} '
                   f'{escape(d["name_zh"])}</title></path>')
    # Zones sit in the dense metro core: labels stacked on the left, each with a leader line.
    for k, z in enumerate(shapes["zones"]):
        d = names[z["id"]]
        lx, ly = -140, h * 0.35 + 34 * k
        x, y = z["x"] + 6 * (k - 1), z["y"] + 4 * (k - 1)
        out.append(f'<g class="zone" data-id="{z["id"]}"><line class="lead" x1="{lx + 128}" y1="{ly - 4}" x2="{x}" '
                   f'y2="{y}"/><text class="zl" x="{lx}" y="{ly - 8}">{escape(d["name"])}</text>'
                   f'<text class="zl" x="{lx}" y="{ly + 6}">{escape(d["name_zh"])}</text>'
                   f'<path class="zone-marker" data-id="{z["id"]}" d="M{x},{y - 7}L{x + 7},{y}L{x},{y + 7}L{x - 7},{y}Z">'
                   f'<title>{escape(d["name"])} {escape(d["name_zh"])}</title></path></g>')
    out.append("</svg>")
    return "".join(out)


def sections(fig: Figures, baseline: str, districts: list[dict], lang: str, default_metric: str):
    """(the map section, the tables section, DATA for both)."""
    w = ui(lang)
    data = explorer_data(fig, baseline, districts, lang, default_metric)
    controls = (f'<div class="controls"><label>{escape(w["metric"])} <select id="sel-metric"></select></label>'
                f'<label>{escape(w["show"])} <select id="sel-view"></select></label></div>')
    zones = sum(d["kind"] == "functional_zone" for d in districts)
    if lang == "zh":
        text = (f"{len(districts) - zones} 个区县和 {zones} 个{w['zones']}。流量指标为期间合计，其他指标为期末值；"
                f"数值为 {fig.kept} 次重复的均值及 90% 区间，差异为配对差异及 95% 置信区间。")
    else:
        text = (f"{len(districts) - zones} county-level districts and {zones} {w['zones']}. Flows are totals over the "
                f"period, other metrics are at its end; values are means over {fig.kept} replicates with their 90% "
                f"interval, differences are paired with a 95% confidence interval.")
    note = f'<p class="note">{escape(text)} {escape(w["credit"])}: {escape(geo.CREDIT)}</p>'
    map_html = (controls + f'<div class="mapbox">{map_svg(districts, lang)}<div id="legend"></div></div>' + note)
    tables = (f'<p class="note unit-note"></p><h3>{escape(w["subregion"])}</h3><div class="tablewrap"><table id="tbl-subregions"></table></div>'
              f'<h3>{escape(w["district"])}</h3><div class="tablewrap"><table id="tbl-districts"></table></div>')
    return Section("map", w["map"], map_html), Section("tables", w["tables"], tables), data
