"""A ``kcsim calibrate`` file (docs/calibration.md): the targets against the posterior
predictive (calibrate and hold-out, consistent or missed), the history-matching waves, the
posterior against the prior per parameter, the ABC diagnostics, the identifiability verdict in
a planner's words, and provenance. The numbers are the file's own ``/calibration`` and
``/posterior``; a calibration file has no Dataset form, so it is read here with h5py."""

from __future__ import annotations

import math
import tomllib
from html import escape

import numpy as np

from ... import plots
from .. import charts
from ..numbers import interval, number, with_unit
from ..page import Section
from ..words import metric_label, ui
from .common import Built, Context, card, provenance_section, text_of

KIND = "calibration"
Z90 = 1.645  # a target is consistent inside the predictive 90% interval widened by 1.645 sigma


def matches(h5) -> bool:
    return "calibration" in h5 and "posterior" in h5


def matches_dataset(ds) -> bool:
    return False


def load(h5) -> dict:
    """Everything the page shows, as plain arrays and attributes."""
    c, p = h5["calibration"], h5["posterior"]

    def strs(d):
        return [text_of(x) for x in d[:]]

    waves = []
    for w in range(1, int(c.attrs["waves"]) + 1):
        g = c.get(f"wave_{w}")
        if g is None:
            continue
        waves.append({"wave": w, "points": int(g["design"].shape[0]), "fraction": float(g.attrs["non_implausible_fraction"]),
                      "fallback": int(g.attrs.get("fallback", 0)), "box_lo": g["box_lo"][:], "box_hi": g["box_hi"][:]})
    return {
        "attrs": {k: text_of(v) for k, v in c.attrs.items()},
        "abc": {k: text_of(v) for k, v in c["abc"].attrs.items()} if "abc" in c else {},
        "abc_draws": int(c["abc/distance"].shape[0]) if "abc/distance" in c else 0,
        "target": strs(c["target"]), "use": strs(c["target_use"]), "metric": strs(c["target_metric"]),
        "value": c["target_value"][:], "sd": c["target_sd"][:], "discrepancy": c["target_discrepancy"][:],
        "q05": c["predicted_q05"][:], "q50": c["predicted_q50"][:], "q95": c["predicted_q95"][:],
        "waves": waves, "parameter": strs(p["parameter"]),
        "prior_lo": p["prior_lo"][:], "prior_hi": p["prior_hi"][:], "p_q05": p["q05"][:], "p_q50": p["q50"][:],
        "p_q95": p["q95"][:], "width_ratio": p["width_ratio"][:], "verdict": strs(p["verdict"]),
        "accepted": int(p["weights"].shape[0]), "draws": int(p["draws"].shape[0]),
        "posterior": {k: text_of(v) for k, v in p.attrs.items()},
    }


def consistent(value, sd, disc, lo, hi) -> bool:
    """The rule of docs/calibration.md: inside the predictive 90% interval widened by 1.645 sigma."""
    tol = Z90 * math.sqrt(sd * sd + disc * disc)
    return lo - tol <= value <= hi + tol


def _periods(targets_toml: str) -> dict:
    """Each target's date or period and source, from the targets file the calibration recorded."""
    try:
        doc = tomllib.loads(targets_toml or "")
    except tomllib.TOMLDecodeError:
        return {}
    out = {}
    for t in doc.get("target", []):
        when = str(t["date"]) if "date" in t else f"{t.get('from', '?')} to {t.get('to', '?')}" if "from" in t else ""
        out[t.get("name", "")] = (when, str(t.get("source", "")))
    return out


def _effect_words(d: dict) -> str:
    a = d["attrs"]
    plan, null = float(a.get("plan_fraction", math.nan)), float(a.get("null_fraction", math.nan))
    shares = (f"Of the first wave's points (over the whole prior), {number(plan, 'share')} fit the targets with the "
              f"programme and {number(null, 'share')} with the programme switched off.")
    if int(a.get("programme_effect_identified", 0)):
        return (shares + " The data tell the programme's effect apart from none: comparisons over this posterior "
                "rest on the data, not only on the prior.")
    return (shares + " The data cannot tell the programme's effect from none, so a comparison's programme effect "
            "over this posterior rests on the prior (the assumed parameter ranges), not on the data.")


def _parameter_words(name: str, verdict: str, ratio: float, lo: float, hi: float) -> str:
    width = number(ratio, "share")
    if verdict == "constrained":
        return f"The targets pin {name} down: its plausible values are {number(lo)} to {number(hi)}, {width} of the prior's width."
    if verdict == "weakly constrained":
        return (f"The targets narrow {name} somewhat, to {number(lo)} to {number(hi)} ({width} of the prior's "
                f"width); treat results that depend on it with care.")
    return (f"The targets say little about {name}: {number(lo)} to {number(hi)} is {width} of the prior's width, "
            f"so results that depend on it rest on the assumed range.")


def summary_section(d: dict, lang: str) -> Section:
    w = ui(lang)
    a, post = d["attrs"], d["posterior"]
    ok = [consistent(*x) for x in zip(d["value"], d["sd"], d["discrepancy"], d["q05"], d["q95"])]
    held = [i for i, u in enumerate(d["use"]) if u == "hold-out"]
    ess = float(post.get("effective_sample_size", d["abc"].get("effective_sample_size", math.nan)))
    constrained = sum(v == "constrained" for v in d["verdict"])
    cards = [
        card("Targets consistent with the posterior", f"{sum(ok)} of {len(ok)}",
             f"hold-out: {sum(ok[i] for i in held)} of {len(held)}", "observed value inside the model's 90% interval "
             "widened by its measurement and discrepancy sd", {"stat": "consistent", "value": sum(ok)},
             "up" if all(ok) else "down"),
        card("Parameters constrained", f"{constrained} of {len(d['parameter'])}",
             ", ".join(f"{p}: {v}" for p, v in zip(d["parameter"], d["verdict"])), "posterior 90% interval under half "
             "the prior's", {"stat": "constrained", "value": constrained}),
        card("Programme effect", "identified" if int(a.get("programme_effect_identified", 0)) else "not identified",
             f"fit with the programme {number(float(a.get('plan_fraction', math.nan)), 'share')}, without "
             f"{number(float(a.get('null_fraction', math.nan)), 'share')}", "", {"stat": "programme_effect_identified",
                                                                                 "value": a.get("programme_effect_identified", 0)},
             "up" if int(a.get("programme_effect_identified", 0)) else "down"),
        card("Effective sample size", number(ess), f"{d['accepted']} accepted of {d['abc_draws']} ABC draws",
             f"{d['draws']} equally weighted draws for comparisons", {"stat": "effective_sample_size", "value": repr(ess)}),
    ]
    words = [_effect_words(d)] + [_parameter_words(p, v, float(r), float(lo), float(hi)) for p, v, r, lo, hi in
                                  zip(d["parameter"], d["verdict"], d["width_ratio"], d["p_q05"], d["p_q95"])]
    intro = (f"Calibration {a.get('targets_name', '')} of scenario {a.get('scenario_name', '')} (runs to "
             f"{a.get('scenario_end', '')}): {len(d['target'])} targets ({len(held)} held out), {len(d['parameter'])} "
             f"parameters, {len(d['waves'])} history-matching waves, then ABC; {number(float(a.get('runs', 0)))} runs.")
    return Section("summary", w["summary"],
                   f'<p class="note">{escape(intro)}</p><div class="cards" id="headline">{"".join(cards)}</div>'
                   f'<h3>Identifiability</h3><ul id="identifiability">'
                   + "".join(f"<li>{escape(x)}</li>" for x in words) + "</ul>")


def targets_section(d: dict, lang: str) -> Section:
    periods = _periods(str(d["attrs"].get("targets_toml", "")))
    head = ("<tr><th class='txt'>Target</th><th class='txt'>Metric</th><th class='txt'>Date or period</th>"
            "<th class='txt'>Use</th><th>Observed</th><th>± sd</th><th>Discrepancy sd</th><th>Model (median)</th>"
            "<th class='txt'>Model 90% interval</th><th class='txt'>Verdict</th></tr>")
    rows, chart_rows = [], []
    for i, name in enumerate(d["target"]):
        m = d["metric"][i]
        unit = plots._unit(m)
        v, sd, disc, lo, mid, hi = (float(d[k][i]) for k in ("value", "sd", "discrepancy", "q05", "q50", "q95"))
        ok = consistent(v, sd, disc, lo, hi)
        when, source = periods.get(name, ("", ""))
        verdict = "consistent" if ok else "missed"
        rows.append(
            f'<tr data-target="{escape(name)}" data-use="{escape(d["use"][i])}" data-verdict="{verdict}" '
            f'data-observed="{v!r}" data-median="{mid!r}" data-lo="{lo!r}" data-hi="{hi!r}">'
            f'<td class="txt" data-sort="{escape(name)}" title="{escape(source)}">{escape(name)}</td>'
            f'<td class="txt" data-sort="{escape(m)}">{escape(metric_label(m, lang))}</td>'
            f'<td class="txt" data-sort="{escape(when)}">{escape(when)}</td>'
            f'<td class="txt" data-sort="{escape(d["use"][i])}">{escape(d["use"][i])}</td>'
            f'<td data-sort="{v!r}">{with_unit(v, unit, False, lang)}</td><td data-sort="{sd!r}">{number(sd)}</td>'
            f'<td data-sort="{disc!r}">{number(disc)}</td><td data-sort="{mid!r}">{with_unit(mid, unit, False, lang)}</td>'
            f'<td class="txt" data-sort="{lo!r}">{interval(lo, hi, unit, False, lang)}</td>'
            f'<td class="txt {"up" if ok else "down"}" data-sort="{verdict}">{verdict}</td></tr>')
        if v:
            chart_rows.append({"label": name, "colour": charts.colour(1 if d["use"][i] == "calibrate" else 5),
                               "mean": mid / v - 1, "lo": lo / v - 1, "hi": hi / v - 1})
    chart = charts.interval_rows("Model against observed (0 = the observed value)", "share", chart_rows, lang,
                                 "cal-targets") if chart_rows else ""
    note = ("Each target against the posterior predictive: the median and 90% interval of the accepted ABC draws' "
            "values. A target is consistent when it lies inside that interval widened by 1.645 × √(sd² + "
            "discrepancy²); hold-out targets were not fitted and are the validation. Chart: the model's interval "
            "relative to the observed value (blue: calibrate, orange: hold-out). Hover a target's name for its source. "
            + ui(lang)["sort"])
    return Section("targets", "Targets", f'<p class="note">{escape(note)}</p><table class="sortable" id="tbl-targets">'
                   f'<thead>{head}</thead><tbody>{"".join(rows)}</tbody></table><div class="grid">{chart}</div>')


def waves_section(d: dict, lang: str) -> Section:
    a = d["attrs"]
    rows = [{"label": f"wave {x['wave']}" + (" (box kept)" if x["fallback"] else ""), "value": 100 * x["fraction"]}
            for x in d["waves"]]
    rows.append({"label": "wave 1, programme off", "value": 100 * float(a.get("null_fraction", math.nan))})
    chart = charts.bars("Non-implausible points per wave", rows, "% of the wave's points", "cal-waves")
    params = d["parameter"]
    head = ("<tr><th class='txt'>Wave</th><th>Points</th><th>Non-implausible</th>"
            + "".join(f"<th class='txt'>{escape(p)}</th>" for p in params) + "</tr>")
    body = "".join(
        f'<tr><td class="txt" data-sort="{x["wave"]}">{x["wave"]}{" (nothing fit: box kept)" if x["fallback"] else ""}</td>'
        f'<td data-sort="{x["points"]}">{x["points"]}</td><td data-sort="{x["fraction"]!r}">{number(x["fraction"], "share")}</td>'
        + "".join(f'<td class="txt" data-sort="{x["box_lo"][j]!r}">{number(x["box_lo"][j])} to {number(x["box_hi"][j])}</td>'
                  for j in range(len(params))) + "</tr>" for x in d["waves"])
    note = (f"History matching: each wave runs a Latin hypercube in its box, {a.get('replicates', '?')} replicates a "
            f"point; a point is non-implausible when no calibrate target's implausibility exceeds the cutoff "
            f"{number(float(a.get('cutoff', math.nan)))}. The next wave's box bounds those points. The last bar: the "
            f"first wave's points again with the programme switched off (the null check).")
    return Section("waves", "Waves", f'<p class="note">{escape(note)}</p><div class="wide">{chart}</div>'
                   f'<table class="sortable" id="tbl-waves"><thead>{head}</thead><tbody>{body}</tbody></table>')


def posterior_section(d: dict, lang: str) -> Section:
    rows = [{"label": p, "prior_lo": float(d["prior_lo"][j]), "prior_hi": float(d["prior_hi"][j]),
             "lo": float(d["p_q05"][j]), "mid": float(d["p_q50"][j]), "hi": float(d["p_q95"][j])}
            for j, p in enumerate(d["parameter"])]
    chart = charts.ranges("Posterior against prior, per parameter", rows, "cal-posterior")
    head = ("<tr><th class='txt'>Parameter</th><th class='txt'>Prior range</th><th>Posterior median</th>"
            "<th class='txt'>Posterior 90% interval</th><th>Width / prior's 90% width</th><th class='txt'>Verdict</th></tr>")
    body = "".join(
        f'<tr data-parameter="{escape(p)}" data-median="{float(d["p_q50"][j])!r}">'
        f'<td class="txt" data-sort="{escape(p)}">{escape(p)}</td>'
        f'<td class="txt" data-sort="{float(d["prior_lo"][j])!r}">{number(d["prior_lo"][j])} to {number(d["prior_hi"][j])}</td>'
        f'<td data-sort="{float(d["p_q50"][j])!r}">{number(d["p_q50"][j])}</td>'
        f'<td class="txt" data-sort="{float(d["p_q05"][j])!r}">{number(d["p_q05"][j])} to {number(d["p_q95"][j])}</td>'
        f'<td data-sort="{float(d["width_ratio"][j])!r}">{number(d["width_ratio"][j], "share")}</td>'
        f'<td class="txt" data-sort="{escape(d["verdict"][j])}">{escape(d["verdict"][j])}</td></tr>'
        for j, p in enumerate(d["parameter"]))
    ab = d["abc"]
    diag = [("ABC draws", number(d["abc_draws"])), ("accepted", f"{d['accepted']} ({number(float(ab.get('acceptance', math.nan)), 'share')})"),
            ("epsilon (distance of the last accepted draw)", number(float(ab.get("epsilon", math.nan)))),
            ("effective sample size", number(float(d["posterior"].get("effective_sample_size", math.nan)))),
            ("equally weighted draws for comparisons", number(d["draws"]))]
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in diag)
    note = ("Uniform prior over each range; the posterior is the ABC sample (regression-adjusted, kernel-weighted). "
            "Verdict: constrained when the posterior 90% interval is under half the prior's 90% width, weakly "
            "constrained under 0.8, otherwise not constrained.")
    return Section("posterior", "Posterior", f'<p class="note">{escape(note)}</p><div class="wide">{chart}</div>'
                   f'<table class="sortable" id="tbl-posterior"><thead>{head}</thead><tbody>{body}</tbody></table>'
                   f'<h3>ABC diagnostics</h3><dl class="prov" id="abc-diagnostics">{dl}</dl>')


def build(d, ctx: Context) -> Built:
    if ctx.baseline:
        raise ValueError("--baseline: a calibration file has no baseline; use it on a compare file")
    a = d["attrs"]
    sections = [summary_section(d, ctx.lang), targets_section(d, ctx.lang), waves_section(d, ctx.lang),
                posterior_section(d, ctx.lang)]
    extra = {"targets file": f"{a.get('targets_source', '')} ({a.get('targets_name', '')})",
             "prior file": str(a.get("prior_source", "")),
             "scenario": f"{a.get('scenario_name', '')} to {a.get('scenario_end', '')} (sha256 "
                         f"{str(a.get('scenario_sha256', ''))[:16]}…)",
             "method": str(a.get("method", "")),
             "settings": f"cutoff {a.get('cutoff', '')}, accept {a.get('accept', '')}, {a.get('replicates', '')} "
                         f"replicates a point, seed {a.get('seed', '')}",
             "cost": f"{number(float(a.get('runs', 0)))} runs in {number(float(a.get('seconds', math.nan)))} s"}
    sections.append(provenance_section(ctx, {k: v for k, v in extra.items() if v.strip(" ()")}, ctx.lang, has_map=False))
    title = f"Calibration {a.get('targets_name', '')} of {a.get('scenario_name', '')}"
    sub = (f"kcsim calibrate · {len(d['target'])} targets · {len(d['parameter'])} parameters · "
           f"{len(d['waves'])} waves · seed {ctx.attrs.get('seed', a.get('seed', ''))}")
    return Built(title, sub, sections, {})
