"""Sections that several kinds share: fan charts, the ledger, the provenance foot."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Optional

import numpy as np

from .. import charts
from ..figures import Figures
from ..numbers import number, unit_label, with_unit
from ..page import Section
from ..words import LEDGER_EN, LEDGER_ZH, metric_label, ui

# What a planner reads first, in this order; metrics a file lacks are skipped.
HEADLINE = ("needs_solved", "tech_firms", "high_tech_firms", "tech_contract_value", "innovations",
            "startups_admitted", "programme_spend", "output_value")


@dataclass
class Context:
    lang: str = "en"
    baseline: Optional[str] = None
    attrs: dict = field(default_factory=dict)       # the file's root attributes (provenance)
    scenario_toml: str = ""
    source: str = ""                                # the file's path, '' for a Dataset


@dataclass
class Built:
    title: str
    subtitle: str
    sections: list
    data: dict = field(default_factory=dict)


def text_of(v):
    """An HDF5 attribute or 0-d array as str (h5py gives bytes or numpy scalars)."""
    if isinstance(v, bytes):
        return v.decode()
    if hasattr(v, "item"):
        v = v.item()
        return v.decode() if isinstance(v, bytes) else v
    return v


def headline(metrics) -> list[str]:
    return [m for m in HEADLINE if m in metrics]


def period_words(fig: Figures, metric: str, lang: str) -> str:
    start, end = fig.start, fig.dates[-1]
    if fig.flow[fig.metrics.index(metric)]:
        return f"{start} 至 {end} 累计" if lang == "zh" else f"total {start} to {end}"
    return f"{end} 末" if lang == "zh" else f"at {end}"


def fan_section(fig: Figures, lang: str) -> Section:
    """Mean and 90% band over replicates of each headline metric for the city, per scenario
    (flows accumulated from the start)."""
    w = ui(lang)
    charts_html = []
    for m in headline(fig.metrics):
        x = fig.series(m)                                      # (S, R, T)
        # The baseline of a comparison is grey; a run's one scenario gets the first colour.
        series = [{"name": s, "colour": charts.colour(i if len(fig.scenarios) > 1 else 1), "mean": list(x[i].mean(axis=0)),
                   "lo": list(np.quantile(x[i], 0.05, axis=0)), "hi": list(np.quantile(x[i], 0.95, axis=0))}
                  for i, s in enumerate(fig.scenarios)]
        unit = fig.units[fig.metrics.index(m)]
        cum = " (cumulative)" if fig.flow[fig.metrics.index(m)] and lang != "zh" else (
            "（累计）" if fig.flow[fig.metrics.index(m)] else "")
        charts_html.append(charts.fan_chart(metric_label(m, lang) + cum, unit, fig.dates, series, lang, f"fan-{m}",
                                            from_zero=bool(fig.flow[fig.metrics.index(m)])))
    note = ("Lines: mean over replicates; bands: 90% of replicates. Flows are accumulated from the start."
            if lang != "zh" else "线：各次重复的均值；带：90% 的重复落在其中。流量指标从开始累计。")
    return Section("fans", w["fans"], f'<p class="note">{note}</p><div class="grid">{"".join(charts_html)}</div>')


def ledger_section(ds, scenarios: list[str], lang: str) -> Optional[Section]:
    """The programme's money per year (mean over replicates, million yuan)."""
    if "ledger" not in ds:
        return None
    w = ui(lang)
    items = [str(i) for i in ds["ledger_item"].values]
    years = [int(y) for y in ds["year"].values]
    led = ds["ledger"]
    if "replicate_ok" in ds:
        led = led.where(ds["replicate_ok"] == 1)
    if "scenario" not in led.dims:
        led = led.expand_dims(scenario=scenarios)
    led = led.mean("replicate", skipna=True).transpose("scenario", "year", "ledger_item").values
    names = LEDGER_ZH if lang == "zh" else LEDGER_EN
    head = (f'<tr><th class="txt">{escape(w["scenario"])}</th><th class="txt">{escape(w["year"])}</th>'
            + "".join(f"<th>{escape(names.get(i, i))}</th>" for i in items) + "</tr>")
    rows = []
    for s, name in enumerate(scenarios):
        for y, year in enumerate(years):
            rows.append(f'<tr><td class="txt" data-sort="{escape(name)}">{escape(name)}</td>'
                        f'<td class="txt" data-sort="{year}">{year}</td>' + "".join(
                            f'<td data-sort="{led[s, y, k]!r}">{number(led[s, y, k])}</td>' for k in range(len(items)))
                        + "</tr>")
    unit = unit_label("million yuan", lang)
    note = (f"Mean over replicates, {unit}, per calendar year. " if lang != "zh" else f"各次重复的均值，单位：{unit}，按自然年。")
    return Section("ledger", w["ledger"], f'<p class="note">{escape(note)}{escape(w["sort"])}</p>'
                   f'<table class="sortable" id="tbl-ledger"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>')


def provenance_section(ctx: Context, extra: dict, lang: str, has_map: bool = True) -> Section:
    """Version, commit, seed, scenario files and command: from the file's root attributes."""
    w = ui(lang)
    keys = [("kcsim_version", "kcsim version"), ("git_commit", "git commit"), ("schema_version", "output schema"),
            ("seed", "seed"), ("created", "created"), ("command", "command"), ("rng", "random numbers"),
            ("threads", "threads")]
    rows = []
    if ctx.source:
        rows.append(("file", ctx.source))
    for k, label in keys:
        if k in ctx.attrs:
            rows.append((label, str(ctx.attrs[k])))
    rows += list(extra.items())
    from .. import geo
    if has_map:
        rows.append(("map data", geo.CREDIT))
    rows.append(("report", "made by kcsim report: one self-contained file (styles, script, data and a subset of "
                           "the WenQuanYi Micro Hei / Noto CJK font inside)"))
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return Section("provenance", w["provenance"], f'<dl class="prov">{body}</dl>')


def card(label: str, value: str, interval: str, words: str, attrs: dict, cls: str = "") -> str:
    a = "".join(f' data-{k}="{escape(str(v))}"' for k, v in attrs.items())
    return (f'<div class="card"{a}><div class="k">{escape(label)}</div><div class="v {cls}">{escape(value)}</div>'
            f'<div class="i">{escape(interval)}</div><div class="w">{escape(words)}</div></div>')


def value_words(x: float, unit: str, lang: str) -> str:
    return with_unit(x, unit, False, lang)
