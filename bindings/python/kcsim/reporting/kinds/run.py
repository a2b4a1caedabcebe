"""A ``kcsim run`` file (or ``kcsim.run``'s Dataset): the city's headline figures with their
90% interval over replicates, fan charts, the map, tables, ledger and provenance."""

from __future__ import annotations

from html import escape

from .. import explorer
from ..figures import Figures, describe, district_table
from ..numbers import interval, with_unit
from ..page import Section
from ..words import metric_label, ui
from .common import Built, Context, card, fan_section, headline, ledger_section, period_words, provenance_section

KIND = "run"


def matches(h5) -> bool:
    return "scenarios" in h5 and len(h5["scenarios"]) == 1 and "comparison" not in h5 and "sweep" not in h5


def matches_dataset(ds) -> bool:
    return "metrics" in ds and "scenario" not in ds.dims


def summary_section(fig: Figures, name: str, lang: str) -> Section:
    w = ui(lang)
    city = fig.area(fig.districts)[0]                  # (R, M)
    stats = describe(city)                             # (3, M)
    cards = []
    for m in headline(fig.metrics):
        k = fig.metrics.index(m)
        unit = fig.units[k]
        v, lo, hi = stats[:, k]
        cards.append(card(metric_label(m, lang), with_unit(v, unit, False, lang),
                          f"{w['interval90']} {interval(lo, hi, unit, False, lang)}", period_words(fig, m, lang),
                          {"metric": m, "scenario": name, "stat": "mean", "value": repr(float(v)), "lo": repr(float(lo)),
                           "hi": repr(float(hi))}))
    intro = (f"Scenario {name}: {fig.kept} replicates, {fig.start} to {fig.dates[-1]}. Each card: the mean over "
             f"replicates for the whole city and the interval holding 90% of them." if lang != "zh" else
             f"情景 {name}：{fig.kept} 次重复，{fig.start} 至 {fig.dates[-1]}。每张卡片：全市均值及 90% 区间。")
    return Section("summary", w["summary"], f'<p class="note">{escape(intro)}</p><div class="cards" id="headline">'
                   f'{"".join(cards)}</div>')


def build(ds, ctx: Context) -> Built:
    fig = Figures(ds)
    name = fig.scenarios[0]
    if ctx.baseline and ctx.baseline != name:
        raise ValueError(f"--baseline {ctx.baseline!r}: a run file has one scenario, {name!r}; compare scenarios "
                         "with kcsim compare")
    districts = district_table(ds, ctx.scenario_toml)
    map_sec, tables_sec, data = explorer.sections(fig, name, districts, ctx.lang, headline(fig.metrics)[0])
    sections = [summary_section(fig, name, ctx.lang), fan_section(fig, ctx.lang), map_sec, tables_sec]
    led = ledger_section(ds, fig.scenarios, ctx.lang)
    if led:
        sections.append(led)
    extra = {"scenario": name, "replicates": f"{fig.kept} kept of {fig.replicates}"}
    extra.update(ctx.attrs.get("_scenario_sources", {}))
    sections.append(provenance_section(ctx, extra, ctx.lang))
    title = f"Scenario {name}" if ctx.lang != "zh" else f"情景 {name}"
    sub = f"kcsim run · {fig.kept} replicates · {fig.start} to {fig.dates[-1]} · seed " \
          f"{ctx.attrs.get('seed', ds.attrs.get('seed', ''))}"
    return Built(title, sub, sections, data)
