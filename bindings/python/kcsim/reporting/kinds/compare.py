"""A ``kcsim compare`` file (or ``kcsim.compare``'s Dataset): headline contrasts against the
baseline with their intervals and the plan targets, fan charts, paired differences, the map,
tables, ledger and provenance. The headline numbers are the file's own ``comparison/summary``."""

from __future__ import annotations

import re
from html import escape

import numpy as np

from .. import charts, explorer
from ..figures import Figures, district_table
from ..numbers import interval, number, with_unit
from ..page import Section
from ..words import metric_label, ui
from .common import Built, Context, card, fan_section, headline, ledger_section, period_words, provenance_section

KIND = "compare"


def matches(h5) -> bool:
    return "comparison" in h5


def matches_dataset(ds) -> bool:
    return "summary" in ds and "scenario" in ds.dims


def _stat(ds, scenario, metric, stat) -> float:
    return float(ds["summary"].sel(scenario=scenario, metric=metric, statistic=stat).values)


def summary_section(ds, fig: Figures, baseline: str, lang: str, posterior: dict | None = None) -> Section:
    w = ui(lang)
    posterior_html = posterior_section_html(ds, fig, posterior, lang) if posterior else ""
    others = [s for s in fig.scenarios if s != baseline]
    cards = []
    for s in others:
        for m in headline(fig.metrics)[:4]:  # one screen: four per contrast, all of them under Paired differences
            unit = fig.units[fig.metrics.index(m)]
            d, lo, hi = (_stat(ds, s, m, k) for k in ("diff_mean", "diff_lo95", "diff_hi95"))
            p = _stat(ds, s, m, "p_higher")
            base = _stat(ds, baseline, m, "mean")
            rel = f" ({number(100 * d / base, '', True)}%)" if base else ""
            if lang == "zh":
                words = (f"{s} 相对 {baseline}：{period_words(fig, m, lang)}，{d >= 0 and '多' or '少'} "
                         f"{with_unit(abs(d), unit, False, lang)}；{number(p, 'share')} 的配对重复中更高")
            else:
                more = "more" if d >= 0 else "fewer" if unit not in ("million yuan", "share", "ratio") else (
                    "higher" if d >= 0 else "lower")
                words = (f"{s} gives {with_unit(abs(d), unit, False, lang)} {more} than {baseline} "
                         f"({period_words(fig, m, lang)}); higher in {number(p, 'share')} of paired replicates")
            cards.append(card(f"{metric_label(m, lang)} · {s} − {baseline}", with_unit(d, unit, True, lang) + rel,
                              f"{w['ci95']} {interval(lo, hi, unit, True, lang)}", words,
                              {"metric": m, "scenario": s, "stat": "diff_mean", "value": repr(d), "lo": repr(lo),
                               "hi": repr(hi)}, "up" if lo > 0 else "down" if hi < 0 else ""))
    base_cards = []
    for m in headline(fig.metrics)[:4]:
        unit = fig.units[fig.metrics.index(m)]
        v, lo, hi = (_stat(ds, baseline, m, k) for k in ("mean", "p05", "p95"))
        base_cards.append(card(f"{metric_label(m, lang)} · {baseline}", with_unit(v, unit, False, lang),
                               f"{w['interval90']} {interval(lo, hi, unit, False, lang)}", period_words(fig, m, lang),
                               {"metric": m, "scenario": baseline, "stat": "mean", "value": repr(v)}))
    targets = ""
    if "targets" in ds and ds.sizes.get("target", 0):
        names = [str(t) for t in ds["target"].values]
        meaning = [str(t) for t in ds["target_meaning"].values] if "target_meaning" in ds else names
        head = f'<tr><th class="txt">{escape(w["target"])}</th>' + "".join(
            f"<th>{escape(s)}</th>" for s in fig.scenarios) + "</tr>"
        rows = "".join(
            f'<tr><td class="txt" data-sort="{escape(n)}">{escape(mn)}</td>' + "".join(
                f'<td data-target="{escape(n)}" data-scenario="{escape(s)}" data-value="{float(ds["targets"].sel(scenario=s, target=n))!r}" '
                f'data-sort="{float(ds["targets"].sel(scenario=s, target=n))!r}">'
                f'{number(float(ds["targets"].sel(scenario=s, target=n)), "share")}</td>' for s in fig.scenarios) + "</tr>"
            for n, mn in zip(names, meaning))
        targets = (f'<h3>{escape(w["target"])}: {escape(w["probability"])}</h3>'
                   f'<table class="sortable" id="tbl-targets"><thead>{head}</thead><tbody>{rows}</tbody></table>')
    intro = (f"{len(fig.scenarios)} scenarios on the same {fig.kept} paired replicates (common random numbers), each "
             f"against {baseline}, {fig.start} to {fig.dates[-1]}. Each card: the difference from {baseline} "
             f"(mean over replicates) with its 95% confidence interval; green: the whole interval above zero, red: "
             f"below." if lang != "zh" else
             f"{len(fig.scenarios)} 个情景使用相同的 {fig.kept} 次配对重复（共同随机数），均与 {baseline} 比较，"
             f"{fig.start} 至 {fig.dates[-1]}。每张卡片：相对 {baseline} 的差值（均值）及其 95% 置信区间。")
    return Section("summary", w["summary"],
                   f'<p class="note">{escape(intro)}</p><div class="cards" id="headline">{"".join(cards)}</div>'
                   f'<div class="cards" id="baseline-cards" style="margin-top:10px">{"".join(base_cards)}</div>'
                   f'{posterior_html}{targets}')


_ROW = re.compile(r"^  (\S+)\s+(\S+)\s+(\S+)\s+\[(.+?)\]\s+(\S+)\s+(\S+)\s*$")


def posterior_rows(text: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """From the table ``kcsim compare --parameters`` keeps in ``posterior_summary``: per row
    (scenario, metric, parameter share as printed), and its note lines (the 'rests on the prior'
    line when the calibration could not identify the programme's effect)."""
    rows, notes = [], []
    for line in text.splitlines():
        m = _ROW.match(line)
        if m and m.group(1) != "scenario":
            rows.append((m.group(1), m.group(2), m.group(6)))
        elif line.startswith("Note:"):
            notes.append(line[len("Note:"):].strip())
    return rows, notes


def posterior_section_html(ds, fig: Figures, posterior: dict, lang: str) -> str:
    """The contrasts over the posterior's draws (docs/calibration.md): per contrast and key metric
    the median and 90% interval of the paired differences over draws, P(higher), and the share
    of their spread due to the parameters. The figures are recomputed from the file's city values
    by the rules of sim/analysis/posterior.cpp (linear quantiles; ties count half); the parameter
    share, which needs the posterior's draw-to-sample map, is the file's own."""
    text = str(posterior.get("posterior_summary", ""))
    rows, notes = posterior_rows(text)
    if not rows:
        return ""
    scen = list(fig.scenarios)
    base = str(posterior.get("baseline") or ds.attrs.get("baseline", scen[0]))  # the table's, before --baseline
    city = ds["city"]
    metrics = [str(m) for m in ds["metric"].values]
    body = []
    for s, m, share in rows:
        if s not in scen or m not in metrics:
            continue
        d = (city.sel(scenario=s, metric=m).values - city.sel(scenario=base, metric=m).values).astype(float)
        med, lo, hi = (float(np.quantile(d, q)) for q in (0.5, 0.05, 0.95))
        p = float(((d > 0) + 0.5 * (d == 0)).mean())
        unit = fig.units[fig.metrics.index(m)] if m in fig.metrics else ""
        share_v = float(share.rstrip("%")) / 100 if share.endswith("%") else float("nan")
        body.append(
            f'<tr data-scenario="{escape(s)}" data-metric="{escape(m)}" data-median="{med!r}" data-lo="{lo!r}" '
            f'data-hi="{hi!r}" data-p-higher="{p!r}" data-parameter-share="{share_v!r}">'
            f'<td class="txt" data-sort="{escape(s)}">{escape(s)} − {escape(base)}</td>'
            f'<td class="txt" data-sort="{escape(m)}">{escape(metric_label(m, lang))}</td>'
            f'<td data-sort="{med!r}" class="{"up" if lo > 0 else "down" if hi < 0 else ""}">{with_unit(med, unit, True, lang)}</td>'
            f'<td class="txt" data-sort="{lo!r}">{interval(lo, hi, unit, True, lang)}</td>'
            f'<td data-sort="{p!r}">{number(p, "share")}</td>'
            f'<td data-sort="{share_v if share_v == share_v else -1!r}">{number(share_v, "share") if share_v == share_v else "n/a"}</td></tr>')
    head = ("<tr><th class='txt'>Contrast</th><th class='txt'>Metric</th><th>Median</th>"
            "<th class='txt'>90% interval over draws</th><th>P(higher)</th><th>Parameters' share of the spread</th></tr>")
    note = (f"Over the posterior {posterior.get('parameters_file', '')}: replicate r uses posterior draw r and random "
            f"stream r, so these differences carry parameter uncertainty as well as Monte Carlo noise. Parameters' "
            f"share: the part of the differences' variance due to the parameters (the rest is noise, from draws that "
            f"repeat one posterior sample); n/a when fewer than 3 samples repeat.")
    prior = "".join(f'<p class="down" id="rests-on-prior"><b>{escape(n)}</b></p>' for n in notes)
    return (f'<h3>Over the posterior</h3>{prior}<p class="note">{escape(note)}</p><table class="sortable" '
            f'id="tbl-posterior"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>')


def diffs_section(ds, fig: Figures, baseline: str, lang: str) -> Section:
    w = ui(lang)
    others = [s for s in fig.scenarios if s != baseline]
    panels = []
    for m in headline(fig.metrics):
        unit = fig.units[fig.metrics.index(m)]
        rows = [{"label": s, "colour": charts.colour(fig.scenarios.index(s)), "mean": _stat(ds, s, m, "diff_mean"),
                 "lo": _stat(ds, s, m, "diff_lo95"), "hi": _stat(ds, s, m, "diff_hi95")} for s in others]
        panels.append(charts.interval_rows(f"{metric_label(m, lang)} ({period_words(fig, m, lang)})",
                                           unit, rows, lang, f"diff-{m}"))
    # The same differences over time: replicate by replicate, each scenario minus the baseline.
    b = fig.scenarios.index(baseline)
    over_time = []
    for m in headline(fig.metrics):
        x = fig.series(m)                                     # (S, R, T)
        d = {s: x[fig.scenarios.index(s)] - x[b] for s in others}
        series = [{"name": s, "colour": charts.colour(fig.scenarios.index(s)), "mean": list(v.mean(axis=0)),
                   "lo": list(np.quantile(v, 0.05, axis=0)), "hi": list(np.quantile(v, 0.95, axis=0))}
                  for s, v in d.items()]
        cum = fig.flow[fig.metrics.index(m)]
        title = (f"{metric_label(m, lang)} − {baseline}" + ((" (cumulative)" if lang != "zh" else "（累计）") if cum else ""))
        over_time.append(charts.fan_chart(title, fig.units[fig.metrics.index(m)], fig.dates, series, lang,
                                          f"diffover-{m}"))
    note = (f"Paired difference from {baseline}: dot = mean over replicates, whisker = 95% confidence interval."
            if lang != "zh" else f"相对 {baseline} 的配对差异：点为均值，线为 95% 置信区间。")
    note_t = (f"The same differences as they build up over time: line = mean of the paired differences, band = 90% "
              f"of replicates." if lang != "zh" else "差异随时间的累积：线为配对差异的均值，带为 90% 的重复。")
    return Section("diffs", w["diffs"], f'<p class="note">{escape(note)}</p><div class="grid">{"".join(panels)}</div>'
                   f'<p class="note">{escape(note_t)}</p><div class="grid">{"".join(over_time)}</div>')


def build(ds, ctx: Context) -> Built:
    fig = Figures(ds)
    baseline = ctx.baseline or str(ds.attrs.get("baseline", fig.scenarios[0]))
    # Over a posterior: from the file's /comparison attributes, or a kcsim.compare Dataset's attrs.
    posterior = {k: v for k, v in {**ds.attrs, **ctx.attrs.get("_comparison", {})}.items()
                 if k in ("parameters_file", "posterior_summary")}
    posterior["baseline"] = str(ds.attrs.get("baseline", fig.scenarios[0]))
    if baseline not in fig.scenarios:
        raise ValueError(f"--baseline {baseline!r}: not a scenario of this file; its scenarios are "
                         + ", ".join(fig.scenarios))
    if baseline != str(ds.attrs.get("baseline", fig.scenarios[0])):
        ds = _rebased(ds, fig, baseline)
    districts = district_table(ds, ctx.scenario_toml)
    map_sec, tables_sec, data = explorer.sections(fig, baseline, districts, ctx.lang, headline(fig.metrics)[0])
    sections = [summary_section(ds, fig, baseline, ctx.lang, posterior), fan_section(fig, ctx.lang),
                diffs_section(ds, fig, baseline, ctx.lang), map_sec, tables_sec]
    led = ledger_section(ds, fig.scenarios, ctx.lang)
    if led:
        sections.append(led)
    extra = {"scenarios": ", ".join(fig.scenarios), "baseline": baseline,
             "replicates": f"{fig.kept} kept of {fig.replicates}"}
    if ds.attrs.get("fork_date"):
        extra["forked"] = f"every scenario from {fig.scenarios[0]}'s state on {ds.attrs['fork_date']}"
    if posterior.get("parameters_file"):
        extra["parameters"] = f"over the posterior {posterior['parameters_file']} (replicate r uses draw r)"
    extra.update(ctx.attrs.get("_scenario_sources", {}))
    sections.append(provenance_section(ctx, extra, ctx.lang))
    title = (f"{', '.join(s for s in fig.scenarios if s != baseline)} against {baseline}" if ctx.lang != "zh" else
             f"{'、'.join(s for s in fig.scenarios if s != baseline)} 与 {baseline} 的比较")
    sub = (f"kcsim comparison · {fig.kept} paired replicates · {fig.start} to {fig.dates[-1]} · seed "
           f"{ctx.attrs.get('seed', ds.attrs.get('seed', ''))}")
    return Built(title, sub, sections, data)


def _rebased(ds, fig: Figures, baseline: str):
    """The summary recomputed against another baseline (``--baseline``), from the kept city
    figures, by the rules of sim/analysis (means and quantiles; paired t intervals)."""
    import numpy as np

    from ..figures import describe, paired

    city = fig.area(fig.districts)                       # (S, R, M)
    b = fig.scenarios.index(baseline)
    stats = []
    for s in range(len(fig.scenarios)):
        v = describe(city[s])
        d = paired(city[b], city[s])
        stats.append(np.concatenate([v, d]).T)           # (M, 7)
    ds = ds.copy()
    ds["summary"] = (("scenario", "metric", "statistic"), np.array(stats))
    ds = ds.assign_coords(statistic=["mean", "p05", "p95", "diff_mean", "diff_lo95", "diff_hi95", "p_higher"])
    ds.attrs = dict(ds.attrs, baseline=baseline)
    return ds
