"""A ``kcsim sweep`` file (or ``kcsim.sweep``'s Dataset): the design, each outcome's spread over
the experiments, the sensitivity ranking (Sobol' total index or Morris mu*) and provenance."""

from __future__ import annotations

from html import escape

import numpy as np

from ... import plots
from .. import charts
from ..figures import describe
from ..numbers import interval, number, with_unit
from ..page import Section
from ..words import metric_label, ui
from .common import Built, Context, card, provenance_section

KIND = "sweep"


def matches(h5) -> bool:
    return "sweep" in h5


def matches_dataset(ds) -> bool:
    return "outcomes" in ds and "experiment" in ds.dims


def _policies(ds):
    for name in ("policy", "policy_id"):
        for var in ("sobol_st", "morris_mu_star"):
            if var in ds and ds[var].dims[0] == name:
                return name, ds.sizes[name]
    return None, 0


def _units(ds) -> dict:
    return {m: plots._unit(m) for m in (str(x) for x in ds["metric"].values)}


def build(ds, ctx: Context) -> Built:
    if ctx.baseline:
        raise ValueError("--baseline: a sweep file has no baseline (it has experiments); use it on a compare file")
    w = ui(ctx.lang)
    outcomes = [str(o) for o in ds["outcome"].values]
    units = _units(ds)
    out = ds["outcomes"].sel(metric=outcomes).values          # (E, R, O)
    flat = out.reshape(-1, len(outcomes))
    flat = flat[np.isfinite(flat).all(axis=1)]
    stats = describe(flat)
    cards = [card(metric_label(o, ctx.lang), with_unit(stats[0, k], units[o], False, ctx.lang),
                  f"{w['interval90']} {interval(stats[1, k], stats[2, k], units[o], False, ctx.lang)}",
                  "over all experiments and replicates",
                  {"metric": o, "stat": "mean", "value": repr(float(stats[0, k]))}) for k, o in enumerate(outcomes)]
    design = str(ds.attrs.get("design", "?"))
    params = [str(p) for p in ds["parameter"].values] if "parameter" in ds else []
    n_exp = ds.sizes["experiment"]
    intro = (f"Sweep {ds.attrs.get('sweep_name', '')} of scenario {ds.attrs.get('scenario_name', '')}: design {design}, "
             f"{n_exp} experiments × {ds.sizes.get('replicate', 1)} replicates over {len(params)} uncertain "
             f"parameters. Outcomes are city figures for the period (flows totalled, others at the end).")
    sections = [Section("summary", w["summary"], f'<p class="note">{escape(intro)}</p>'
                        f'<div class="cards" id="headline">{"".join(cards)}</div>')]
    pdim, npol = _policies(ds)
    if pdim:
        sobol = "sobol_st" in ds
        panels = []
        ranking_rows = []
        for p in range(npol):
            for o in outcomes:
                def get(v):
                    return ds[v].isel({pdim: p}).sel(outcome=o).values.astype(float)
                main = get("sobol_st" if sobol else "morris_mu_star")
                second = get("sobol_s1" if sobol else "morris_sigma")
                lo = get("sobol_st_lo") if sobol else None
                hi = get("sobol_st_hi") if sobol else None
                order = np.argsort(np.where(np.isfinite(main), -main, np.inf), kind="stable")
                rows = [{"label": params[i], "value": float(main[i]), "second": float(second[i]),
                         "lo": None if lo is None else float(lo[i]), "hi": None if hi is None else float(hi[i])}
                        for i in order]
                axis = ("total Sobol' index ST (bar), first-order S1 (thin bar); whiskers: 95% bootstrap" if sobol
                        else f"mu* (bar), sigma (thin bar); {units[o]} per whole range")
                levers = plots._policy_levers(ds, p)
                suffix = f" · {levers or f'policy {p}'}" if npol > 1 or levers else ""
                panels.append(charts.bars(f"{metric_label(o, ctx.lang)}{suffix}", rows, axis, f"sens-{p}-{o}"))
                ranking_rows.append(
                    f'<tr><td class="txt" data-sort="{escape(o)}">{escape(metric_label(o, ctx.lang))}{suffix}</td>'
                    + "".join(f'<td class="txt" data-sort="{k}">{escape(params[i])} ({number(main[i])})</td>'
                              for k, i in enumerate(order[:3])) + "</tr>")
        head = (f'<tr><th class="txt">{escape(w["outcome"])}</th><th class="txt">1st</th><th class="txt">2nd</th>'
                f'<th class="txt">3rd</th></tr>')
        note = ("Parameters ranked by their total Sobol' index: the share of the outcome's variance they explain, "
                "alone and with others." if sobol else
                "Parameters ranked by Morris mu*: the mean absolute change in the outcome when the parameter moves "
                "across its whole range; sigma: how much that change depends on the other parameters.")
        sections.append(Section("sensitivity", w["sensitivity"],
                                f'<p class="note">{escape(note)}</p><table class="sortable" id="tbl-ranking"><thead>'
                                f'{head}</thead><tbody>{"".join(ranking_rows)}</tbody></table>'
                                f'<div class="grid">{"".join(panels)}</div>'))
    extra = {"sweep": str(ds.attrs.get("sweep_name", "")), "design": design,
             "scenario": str(ds.attrs.get("scenario_name", "")), "sweep file": str(ds.attrs.get("sweep_source", ""))}
    sections.append(provenance_section(ctx, {k: v for k, v in extra.items() if v}, ctx.lang))
    title = f"Sweep {ds.attrs.get('sweep_name', '')}" if ctx.lang != "zh" else f"参数扫描 {ds.attrs.get('sweep_name', '')}"
    sub = f"kcsim sweep · design {design} · {n_exp} experiments · seed {ctx.attrs.get('seed', ds.attrs.get('seed', ''))}"
    return Built(title, sub, sections, {})
