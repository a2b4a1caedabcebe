"""A ``kcsim select`` file (docs/select.md): the best portfolio and how sure the search is of it,
the ranked finalists with their paired intervals and P(best), a chart of their gains, why the
best is best (leave-one-out contributions), the search's stages and what it cost against
racing every portfolio, the scenario discovery text, a map of the best portfolio's districts,
and provenance. The numbers are the file's own ``/selection`` group (read here with h5py) or the
Dataset ``kcsim.select`` returns (then without the map: it has no scenario text)."""

from __future__ import annotations

import math
import re
import tomllib
from html import escape

import numpy as np

from ... import plots
from .. import charts
from ..numbers import number, with_unit
from ..page import Section
from ..words import ui
from .common import Built, Context, card, provenance_section, text_of

KIND = "selection"

# The table's columns: (dataset, heading); intervals are shown with their point.
COLUMNS = ("score", "gain_mean", "gain_lo95", "gain_hi95", "gain_q05", "gain_q95", "p_best", "cost", "spend",
           "needs_solved", "tech_firms", "vs_best_mean", "vs_best_lo95", "vs_best_hi95", "vs_best_q05",
           "vs_best_q95", "vs_reference_mean", "vs_reference_lo95", "vs_reference_hi95", "vs_reference_q05",
           "vs_reference_q95", "vs_reference_p_better")


def matches(h5) -> bool:
    return "selection" in h5


def matches_dataset(ds) -> bool:
    return "p_best" in ds and "gain" in ds and "portfolio" in ds.dims


def load(h5) -> dict:
    """Everything the page shows, as plain arrays and attributes."""
    s = h5["selection"]

    def strs(d):
        return [text_of(x) for x in d[:]]

    a = {k: text_of(v) for k, v in s.attrs.items()}
    d = {"attrs": a, "portfolio": strs(s["portfolio"]), "districts": [x.split(",") if x else [] for x in strs(s["districts"])],
         "columns": {c: s[c][:].astype(float) for c in COLUMNS if c in s}, "gain": s["gain"][:],
         "stages": [x for x in str(a.get("stages", "")).splitlines() if x.strip()]}
    if "contributions" in s:
        c = s["contributions"]
        d["contribution"] = {"district": strs(c["district"]), "mean": c["contribution"][:],
                             "lo": c["contribution_lo95"][:], "hi": c["contribution_hi95"][:]}
    if "screening" in s:
        c = s["screening"]
        d["screening"] = {"district": strs(c["district"]), "mean": c["gain_mean"][:], "lo": c["gain_lo95"][:],
                          "hi": c["gain_hi95"][:]}
    if "evaluated" in s:
        e = s["evaluated"]
        d["evaluated"] = {"portfolio": strs(e["portfolio"]), "replicates": e["replicates"][:], "score": e["score"][:]}
    if "discovery" in s:
        g = s["discovery"]
        d["discovery"] = {"parameter": strs(g["parameter"]), "spearman": g["spearman"][:], "box_lo": g["box_lo"][:],
                          "box_hi": g["box_hi"][:], "restricted": g["box_restricted"][:] > 0,
                          **{k: float(text_of(v)) for k, v in g.attrs.items() if k.startswith("box_") or k == "losses"}}
    return d


def _from_dataset(ds) -> dict:
    """The same dict from the Dataset ``kcsim.select`` returns."""
    a = dict(ds.attrs)
    a.update({"decision_name": a.get("decision", ""), "scenario_name": a.get("base", ""),
              "reference_name": a.get("reference", ""), "discovery_report": a.get("discovery", "")})
    d = {"attrs": a, "portfolio": [str(p) for p in ds["portfolio"].values],
         "districts": [str(x).split(",") if str(x) else [] for x in ds["districts"].values],
         "columns": {c: ds[c].values.astype(float) for c in COLUMNS if c in ds}, "gain": ds["gain"].values,
         "stages": [x for x in str(a.get("stages", "")).splitlines() if x.strip()]}
    if "contribution" in ds and ds.sizes.get("district", 0):
        d["contribution"] = {"district": [str(x) for x in ds["district"].values], "mean": ds["contribution"].values,
                             "lo": ds["contribution_lo95"].values, "hi": ds["contribution_hi95"].values}
    if "screen_gain" in ds:
        d["screening"] = {"district": [str(x) for x in ds["candidate"].values], "mean": ds["screen_gain"].values,
                          "lo": np.full(ds.sizes["candidate"], np.nan), "hi": np.full(ds.sizes["candidate"], np.nan)}
    if "evaluated_score" in ds:
        d["evaluated"] = {"portfolio": [str(x) for x in ds["evaluated"].values],
                          "replicates": ds["evaluated_replicates"].values, "score": ds["evaluated_score"].values}
    return d


def _decision(d: dict) -> dict:
    try:
        return tomllib.loads(str(d["attrs"].get("decision_toml", "")))
    except tomllib.TOMLDecodeError:
        return {}


def objective_words(d: dict) -> tuple[str, str]:
    """(the objective in words, the unit of a gain): a single metric's unit, '' for a weighted
    sum or a gain per million yuan."""
    dec = _decision(d)
    obj = dec.get("objective", {})
    metrics = obj.get("metrics", {"needs_solved": 1.0})
    if isinstance(metrics, str):
        metrics = {metrics: 1.0}
    if not dec:  # a Dataset: the table's first line says it
        m = re.search(r" in (.+?), ranked by ", str(d["attrs"].get("table", "")))
        words = m.group(1) if m else "the objective"
        single = re.fullmatch(r"1 x (\w+)", words)
        return words, plots._unit(single.group(1)) if single else ""
    words = " + ".join(f"{number(w)} × {k}" if w != 1 else k for k, w in metrics.items())
    equity = float(obj.get("equity", 0))
    if equity > 0:
        words += f" + {number(equity)} × the least-served sub-region"
    per = bool(obj.get("per_million_yuan", False))
    if per:
        words = f"({words}) per million yuan of static cost"
    if obj.get("risk", "mean") == "quantile":
        words += f", ranked by its {number(100 * float(obj.get('quantile', 0.1)))}% quantile over the replicates"
    else:
        words += ", ranked by its mean over the replicates"
    unit = plots._unit(next(iter(metrics))) if len(metrics) == 1 and not equity and not per and \
        list(metrics.values())[0] == 1 else ""
    return words, unit


def summary_section(d: dict, unit: str, words: str, lang: str) -> Section:
    w = ui(lang)
    a, c = d["attrs"], d["columns"]
    best = d["portfolio"][0]
    ref = str(a.get("reference_name", ""))
    runs, exhaustive = float(a.get("runs", math.nan)), float(a.get("exhaustive_runs", math.nan))
    R = int(a.get("replicates", d["gain"].shape[1]))
    cards = [
        card("Best portfolio", best.replace("+", " + "), "joining in this order",
             f"of {number(float(a.get('space', math.nan)))} portfolios ({a.get('method', '')} search)",
             {"stat": "best", "value": best}),
        card("Its gain over the base", with_unit(c["gain_mean"][0], unit, True, lang),
             f"95% CI {number(c['gain_lo95'][0], unit, True)} to {number(c['gain_hi95'][0], unit, True)}",
             f"spread over replicates {number(c['gain_q05'][0], unit, True)} to {number(c['gain_q95'][0], unit, True)}",
             {"stat": "gain_mean", "value": repr(float(c["gain_mean"][0]))}, "up" if c["gain_lo95"][0] > 0 else ""),
        card("P(best)", number(c["p_best"][0], "probability"),
             f"runner-up: {number(c['p_best'][1], 'probability')}" if len(d["portfolio"]) > 1 else "the only finalist",
             "paired bootstrap among the finalists", {"stat": "p_best", "value": repr(float(c["p_best"][0]))}),
    ]
    if ref and "vs_reference_mean" in c:
        cards.append(card(f"Against {ref}", with_unit(c["vs_reference_mean"][0], unit, True, lang),
                          f"95% CI {number(c['vs_reference_lo95'][0], unit, True)} to "
                          f"{number(c['vs_reference_hi95'][0], unit, True)}",
                          "the best minus the plan as written, paired",
                          {"stat": "vs_reference_mean", "value": repr(float(c["vs_reference_mean"][0]))},
                          "up" if c["vs_reference_lo95"][0] > 0 else "down" if c["vs_reference_hi95"][0] < 0 else ""))
    cards.append(card("Runs", number(runs), f"racing every portfolio: {number(exhaustive)}",
                      f"{number(exhaustive / runs if runs else math.nan)}× fewer" if runs and exhaustive > runs else
                      "every portfolio was raced", {"stat": "runs", "value": int(runs) if math.isfinite(runs) else ""}))
    close = [p for p, lo, hi in zip(d["portfolio"][1:], c["vs_best_lo95"][1:], c["vs_best_hi95"][1:]) if lo <= 0 <= hi]
    verdict = ("Only the best is reported ([search].top = 1); the Search section lists every portfolio raced."
               if len(d["portfolio"]) == 1 else
               f"{len(close)} of the other finalists cannot be told from the best at {R} replicates (their paired "
               f"95% interval with it includes 0): {', '.join(close[:5])}{' …' if len(close) > 5 else ''}. More "
               f"replicates (--replicates) would separate them, or they are as good." if close else
               f"Every other finalist is below the best by more than the noise at {R} replicates.")
    intro = (f"Decision {a.get('decision_name', '')}: which new pilot districts to add to {a.get('scenario_name', '')}. "
             f"Gain over the base in {words}. {R} paired replicates per finalist"
             + (f", over the posterior {a.get('parameters_file')}" if a.get("parameters_file") else "") + ".")
    return Section("summary", w["summary"],
                   f'<p class="note">{escape(intro)}</p><div class="cards" id="headline">{"".join(cards)}</div>'
                   f'<p id="verdict">{escape(verdict)}</p>')


def ranking_section(d: dict, unit: str, lang: str) -> Section:
    c = d["columns"]
    ref = str(d["attrs"].get("reference_name", ""))
    has_ref = bool(ref) and "vs_reference_mean" in c
    head = ("<tr><th>Rank</th><th class='txt'>Portfolio</th><th>Score</th><th>Gain</th><th class='txt'>95% CI</th>"
            "<th class='txt'>Spread 5–95%</th>"
            + (f"<th>vs {escape(ref)}</th><th class='txt'>95% CI</th>" if has_ref else "")
            + "<th>vs best</th><th class='txt'>95% CI</th><th>P(best)</th><th>Cost</th><th>Spend</th></tr>")

    def num(x, sign=False):
        return f'<td data-sort="{float(x)!r}">{number(x, unit, sign)}</td>'

    def ci(lo, hi):
        return f'<td class="txt" data-sort="{float(lo)!r}">{number(lo, unit, True)} to {number(hi, unit, True)}</td>'

    rows = []
    for i, p in enumerate(d["portfolio"]):
        rows.append(
            f'<tr data-portfolio="{escape(p)}" data-rank="{i + 1}" data-gain="{float(c["gain_mean"][i])!r}" '
            f'data-p-best="{float(c["p_best"][i])!r}"><td data-sort="{i + 1}">{i + 1}</td>'
            f'<td class="txt" data-sort="{escape(p)}">{escape(p.replace("+", " + "))}</td>'
            + num(c["score"][i]) + num(c["gain_mean"][i], True) + ci(c["gain_lo95"][i], c["gain_hi95"][i])
            + ci(c["gain_q05"][i], c["gain_q95"][i])
            + (num(c["vs_reference_mean"][i], True) + ci(c["vs_reference_lo95"][i], c["vs_reference_hi95"][i])
               if has_ref else "")
            + (f'<td data-sort="0">(best)</td><td class="txt" data-sort="0"></td>' if i == 0 else
               num(c["vs_best_mean"][i], True) + ci(c["vs_best_lo95"][i], c["vs_best_hi95"][i]))
            + f'<td data-sort="{float(c["p_best"][i])!r}">{number(c["p_best"][i], "probability")}</td>'
            + f'<td data-sort="{float(c["cost"][i])!r}">{with_unit(c["cost"][i], "million yuan", False, lang)}</td>'
            + f'<td data-sort="{float(c["spend"][i])!r}">{with_unit(c["spend"][i], "million yuan", False, lang)}</td></tr>')
    width = min(330, 40 + 6 * max(len(p) for p in d["portfolio"]))  # room for the portfolios' names
    gains = charts.interval_rows(
        "Gain over the base: mean and 95% CI", unit,
        [{"label": p, "mean": float(c["gain_mean"][i]), "lo": float(c["gain_lo95"][i]), "hi": float(c["gain_hi95"][i]),
          "colour": charts.colour(1 if i == 0 else 0)} for i, p in enumerate(d["portfolio"])], lang, "sel-gains",
        label_width=width)
    pbest = charts.bars("Probability of being the best (among these)",
                        [{"label": p, "value": float(c["p_best"][i])} for i, p in enumerate(d["portfolio"])],
                        "P(best)", "sel-pbest")
    note = ("Gain: the objective of the portfolio minus that of the base (with the decision's teams), replicate by "
            "replicate; 95% CI: paired t interval of the mean (Monte Carlo); spread: 5% and 95% of the per-replicate "
            "gains (over a posterior: parameter uncertainty and noise together)."
            + (f" vs {ref}: the portfolio's objective minus the plan as written, paired." if has_ref else "")
            + " vs best: the gain minus the best's, paired; an interval that includes 0 means the replicates cannot "
            "tell the two apart. P(best): paired bootstrap among these finalists only, conditional on the search. "
            "Cost: the decision file's static cost; spend: what the simulated programme spent (mean). "
            + ui(lang)["sort"])
    return Section("ranking", ui(lang)["ranking"], f'<p class="note">{escape(note)}</p><table class="sortable" id="tbl-selection">'
                   f'<thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
                   f'<div class="grid">{gains}{pbest}</div>')


def why_section(d: dict, unit: str, lang: str) -> Section | None:
    con = d.get("contribution")
    if not con or not con["district"]:
        return None
    c = d["columns"]
    best = d["portfolio"][0]
    rows = [{"label": k, "mean": float(m), "lo": float(lo), "hi": float(hi), "colour": charts.colour(1)}
            for k, m, lo, hi in zip(con["district"], con["mean"], con["lo"], con["hi"])]
    chart = charts.interval_rows(f"Each district's contribution to {best}", unit, rows, lang, "sel-contrib")
    body = "".join(
        f'<tr data-district="{escape(r["label"])}" data-contribution="{r["mean"]!r}">'
        f'<td class="txt" data-sort="{escape(r["label"])}">{escape(r["label"])}</td>'
        f'<td data-sort="{r["mean"]!r}">{number(r["mean"], unit, True)}</td>'
        f'<td class="txt" data-sort="{r["lo"]!r}">{number(r["lo"], unit, True)} to {number(r["hi"], unit, True)}</td></tr>'
        for r in rows)
    total = sum(r["mean"] for r in rows)
    note = (f"Leave one out: the best portfolio's objective minus its objective without the district (the others "
            f"join on the first dates, in readiness order), paired, with a 95% CI. They sum to "
            f"{number(total, unit, True)} against a gain of {number(c['gain_mean'][0], unit, True)}: the difference "
            f"is how the districts interact (the teams by demand go elsewhere, the dates shift).")
    title = f"{ui(lang)['why']} {best}".replace("： ", "：")
    return Section("why", title, f'<p class="note">{escape(note)}</p><div class="grid">{chart}<div>'
                   f'<table class="sortable" id="tbl-contributions"><thead><tr><th class="txt">District</th>'
                   f'<th>Contribution</th><th class="txt">95% CI</th></tr></thead><tbody>{body}</tbody></table></div></div>')


def search_section(d: dict, unit: str, lang: str) -> Section:
    a = d["attrs"]
    runs, exhaustive = float(a.get("runs", math.nan)), float(a.get("exhaustive_runs", math.nan))
    R = int(a.get("replicates", d["gain"].shape[1]))
    ev = d.get("evaluated", {"portfolio": [], "replicates": np.array([]), "score": np.array([])})
    per_round = {}
    for n in ev["replicates"]:
        per_round[int(n)] = per_round.get(int(n), 0) + 1
    stages = "".join(f"<li>{escape(s)}</li>" for s in d["stages"])
    cost = (f"The search spent {number(runs)} simulation runs (the base and the reference included). Racing every "
            f"one of the {number(float(a.get('space', math.nan)))} portfolios at {R} replicates would take "
            f"{number(exhaustive)} runs"
            + (f": {number(exhaustive / runs)} times as many." if runs and exhaustive > runs else ".")
            + (f" Time: {number(float(a['seconds']))} s." if "seconds" in a else ""))
    where = "".join(f'<tr data-replicates="{n}"><td data-sort="{n}">{n}</td><td data-sort="{k}">{k}</td></tr>'
                    for n, k in sorted(per_round.items()))
    html = (f'<p id="search-cost">{escape(cost)}</p><h3>Stages</h3><ol id="stages">{stages}</ol>'
            f'<h3>Where the replicates went</h3><p class="note">Each portfolio raced, by the replicates it had when it '
            f'left the race (successive halving doubles them each round; the finalists reach {R}).</p>'
            f'<table class="sortable" id="tbl-evaluated"><thead><tr><th>Replicates</th><th>Portfolios</th></tr></thead>'
            f'<tbody>{where}</tbody></table>')
    scr = d.get("screening")
    if scr and scr["district"]:
        order = np.argsort(-np.asarray(scr["mean"], dtype=float), kind="stable")
        best = set(d["districts"][0])
        rows = [{"label": scr["district"][i], "mean": float(scr["mean"][i]), "lo": float(scr["lo"][i]),
                 "hi": float(scr["hi"][i]), "colour": charts.colour(1 if scr["district"][i] in best else 0)}
                for i in order]
        html += ('<h3>Screening</h3><p class="note">Each candidate alone against the base (joining on the first date, '
                 'with the teams): mean gain and 95% CI; blue: the best portfolio\'s districts. The pool of the '
                 'best-screened candidates and the swaps of the additive best set went on to the race.</p>'
                 '<div class="grid">' + charts.interval_rows("Each district alone", unit, rows, lang, "sel-screening")
                 + "</div>")
    return Section("search", ui(lang)["search"], html)


def discovery_section(d: dict, lang: str) -> Section | None:
    text = str(d["attrs"].get("discovery_report", "")).strip()
    if not text or len(d["portfolio"]) < 2:
        return None
    best, runner = escape(d["portfolio"][0]), escape(d["portfolio"][1])
    if d["attrs"].get("parameters_file") or d.get("discovery"):
        intro = (f"Over the posterior, each replicate ran with its own parameter draw: which draws make {best} lose "
                 f"to {runner}? PRIM (a box of parameter values where the losses concentrate) and rank correlations. "
                 f"The same replicates chose the best, and a loss in one draw may be noise: read it as a "
                 f"description, not a cause (docs/select.md).")
    else:
        intro = (f"How often {best} loses to {runner}, replicate by replicate. Without a posterior every replicate "
                 f"ran with the same parameter values, so only Monte Carlo noise separates them.")
    html = (f'<p class="note">{intro}</p>'
            f'<pre id="discovery-text" style="white-space:pre-wrap">{escape(text)}</pre>')
    disc = d.get("discovery")
    if disc and disc["parameter"]:
        body = "".join(
            f'<tr data-parameter="{escape(p)}"><td class="txt" data-sort="{escape(p)}">{escape(p)}</td>'
            f'<td data-sort="{float(disc["spearman"][j])!r}">{number(disc["spearman"][j], "", True)}</td>'
            f'<td class="txt" data-sort="{int(disc["restricted"][j])}">'
            + (f'{number(disc["box_lo"][j])} to {number(disc["box_hi"][j])}' if disc["restricted"][j] else "not restricted")
            + "</td></tr>" for j, p in enumerate(disc["parameter"]))
        html += ('<table class="sortable" id="tbl-discovery"><thead><tr><th class="txt">Parameter</th>'
                 '<th>Spearman with best − runner-up</th><th class="txt">PRIM box</th></tr></thead>'
                 f'<tbody>{body}</tbody></table>')
    return Section("discovery", ui(lang)["discovery"], html)


def _districts(d: dict):
    """The base scenario's district table, or None (a Dataset, or a scenario that does not load)."""
    text = str(d["attrs"].get("scenario_toml", ""))
    if not text:
        return None
    from ... import _core
    try:
        return _core.load_scenario_text(text, "<selection scenario_toml>").district_table
    except Exception:  # noqa: BLE001 - the map is a convenience; the page is whole without it
        return None


# The map's classes, darkest first: (class, fill, legend words).
MAP_CLASSES = (("best", charts.colour(1), "the best portfolio (joining order above)"),
               ("finalist", "#9ecae1", "in another finalist"), ("candidate", "#deebf7", "other candidates"),
               ("pilot", "#bdbdbd", "pilot already (in the base)"), ("other", "#f7f7f7", "not a candidate"))


def map_section(d: dict, lang: str) -> Section | None:
    districts = _districts(d)
    if not districts:
        return None
    from .. import geo
    try:
        shapes = geo.district_shapes(districts)
    except (FileNotFoundError, ValueError):
        return None
    dec = _decision(d)
    cands = dec.get("pilots", {}).get("candidates", [])
    by_id = {x["id"]: x for x in districts}
    by_zh = {x["name_zh"]: x["id"] for x in districts}
    # Pilots of the base: at its start, or made by its events (the district table has the former).
    pilot = {x["id"] for x in districts if x.get("pilot", "none") != "none"}
    try:
        events = tomllib.loads(str(d["attrs"].get("scenario_toml", ""))).get("events", [])
    except tomllib.TOMLDecodeError:
        events = []
    pilot |= {by_zh.get(str(e.get("district")), str(e.get("district"))) for e in events if e.get("type") == "pilot"}
    if isinstance(cands, str):
        cand = {x["id"] for x in districts if x["id"] not in pilot and (cands == "all non-pilots" or x["subregion"] == cands)}
    else:
        cand = {by_zh.get(str(c), str(c)) for c in cands}
    best = d["districts"][0]
    finalists = {x for ds in d["districts"][1:] for x in ds}
    dates = dec.get("pilots", {}).get("dates", [])
    dates = dates if isinstance(dates, list) else [dates]

    def cls(i):
        return ("best" if i in best else "finalist" if i in finalists else "candidate" if i in cand else
                "pilot" if i in pilot else "other")

    fill = {k: f for k, f, _ in MAP_CLASSES}
    w, h = shapes["width"], shapes["height"]
    out = [f'<svg id="selectionmap" viewBox="-150 -10 {w + 160:.0f} {h + 20:.0f}" xmlns="http://www.w3.org/2000/svg" '
           f'role="img" aria-label="{escape(ui(lang)["map"])}" style="width:min(760px,100%);height:auto;'
           f'border:1px solid #d9dee3;background:#f4f7fa">']

    def tip(i):
        x = by_id[i]
        when = ""
        if i in best:
            k = best.index(i)
            when = f": joins as pilot {k + 1} of the best" + (f" on {dates[k]}" if k < len(dates) else "")
        return f'{x["name"]} {x["name_zh"]}{when}'

    for r in shapes["regions"]:
        c = cls(r["id"])
        out.append(f'<path class="sel-{c}" data-id="{r["id"]}" d="{r["d"]}" fill="{fill[c]}" stroke="#fff" '
                   f'stroke-width="0.7"><title>{escape(tip(r["id"]))}</title></path>')
    for k, z in enumerate(shapes["zones"]):
        c = cls(z["id"])
        x, y = z["x"] + 6 * (k - 1), z["y"] + 4 * (k - 1)
        out.append(f'<path class="sel-{c}" data-id="{z["id"]}" d="M{x},{y - 7}L{x + 7},{y}L{x},{y + 7}L{x - 7},{y}Z" '
                   f'fill="{fill[c]}" stroke="#000" stroke-width="1.2"><title>{escape(tip(z["id"]))}</title></path>')
    out.append("</svg>")
    legend = "".join(f'<li><span style="display:inline-block;width:12px;height:12px;background:{f};border:1px solid '
                     f'#999;margin-right:6px"></span>{escape(words)}</li>' for _, f, words in MAP_CLASSES)
    order = ", ".join(f"{k + 1}. {by_id[i]['name']} {by_id[i]['name_zh']}" + (f" ({dates[k]})" if k < len(dates) else "")
                      for k, i in enumerate(best) if i in by_id)
    return Section("map", ui(lang)["map"],
                   f'<p id="best-order">{escape(d["portfolio"][0])}: {escape(order)}</p><div class="mapbox">'
                   f'{"".join(out)}<ul id="map-legend" style="list-style:none">{legend}</ul></div>'
                   f'<p class="note">{escape(ui(lang)["credit"])}: {escape(geo.CREDIT)}</p>')


def build(d, ctx: Context) -> Built:
    if ctx.baseline:
        raise ValueError("--baseline: a select file is ranked against its own base; use --baseline on a compare file")
    if not isinstance(d, dict):
        d = _from_dataset(d)
    a = d["attrs"]
    words, unit = objective_words(d)
    sections = [summary_section(d, unit, words, ctx.lang), ranking_section(d, unit, ctx.lang)]
    sections += [s for s in (why_section(d, unit, ctx.lang),) if s]
    sections.append(search_section(d, unit, ctx.lang))
    sections += [s for s in (discovery_section(d, ctx.lang), map_section(d, ctx.lang)) if s]
    has_map = any(s.id == "map" for s in sections)
    extra = {"decision file": f"{a.get('decision_source', '')} ({a.get('decision_name', '')})",
             "base scenario": f"{a.get('scenario_name', '')} (sha256 {str(a.get('scenario_sha256', ''))[:16]}…)",
             "reference": str(a.get("reference_name", "")),
             "posterior": str(a.get("parameters_file", "")),
             "search": f"{a.get('method', '')}, {a.get('replicates', '')} replicates per finalist, seed "
                       f"{a.get('seed', '')}"}
    sections.append(provenance_section(ctx, {k: v for k, v in extra.items() if v.strip(" ()…sha256")}, ctx.lang,
                                       has_map=has_map))
    title = f"Which districts next: {a.get('decision_name', '')}"
    sub = (f"kcsim select · best {d['portfolio'][0]} · {len(d['portfolio'])} finalists of "
           f"{number(float(a.get('space', math.nan)))} portfolios · seed {ctx.attrs.get('seed', a.get('seed', ''))}")
    return Built(title, sub, sections, {})
