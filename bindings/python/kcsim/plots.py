"""Plots of kcsim results (matplotlib): fan charts, paired differences, district small
multiples and sensitivity rankings.

Every function takes the xarray Datasets that ``kcsim.run``, ``kcsim.compare``, ``kcsim.sweep``
and ``kcsim.open_results`` return, draws on a given ``ax`` (or a new figure) and returns the
matplotlib Axes or Figure, so it works with any backend, including Agg on a server. matplotlib
is imported inside the functions: ``import kcsim`` does not need it.

Example::

    import kcsim
    cmp = kcsim.compare(["builtin:no-programme.toml", "builtin:plan.toml"], replicates=8)
    ax = kcsim.plots.fan_chart(cmp, "tech_firms")
    ax.figure.savefig("tech_firms.png", dpi=150)

City figures follow docs/output-format.md: districts are summed for stocks and flows, except
``awareness`` (mean weighted by ``firms``), ``pilot_status`` (the number of districts above 0)
and ``district_effort`` (mean over districts).
"""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

import numpy as np

__all__ = [
    "METRIC_KINDS",
    "METRIC_UNITS",
    "district_small_multiples",
    "fan_chart",
    "paired_differences",
    "sensitivity_ranking",
]

# From `kcsim metrics` (unit and kind of each metric, in kcsim.metric_names() order; the module
# does not expose them). A metric missing here is drawn without a unit and summed like a flow;
# tests/python/test_plots.py checks these tables against the program.
METRIC_UNITS = {
    "pilot_status": "level",
    "expert_teams": "teams",
    "experts": "experts",
    "firms": "firms",
    "tech_firms": "firms",
    "high_tech_firms": "firms",
    "awareness": "share",
    "needs_raised": "needs",
    "needs_unposted": "needs",
    "problems_posted": "needs",
    "problems_open": "needs",
    "problems_solved": "needs",
    "needs_solved": "needs",
    "needs_abandoned": "needs",
    "expert_services": "services",
    "tech_contracts": "contracts",
    "tech_contract_value": "million yuan",
    "forum_viewers": "viewers",
    "consortia": "consortia",
    "consortium_members": "firms",
    "startups_admitted": "teams",
    "startups_active": "teams",
    "startups_graduated": "teams",
    "startups_failed": "teams",
    "financing_deals": "deals",
    "financing_amount": "million yuan",
    "reward_funds": "million yuan",
    "programme_spend": "million yuan",
    "innovations": "innovations",
    "rd_spend": "million yuan",
    "output_value": "million yuan",
    "firm_births": "firms",
    "firm_exits": "firms",
    "certifications": "firms",
    "workstations": "workstations",
    "district_effort": "ratio",
}

METRIC_KINDS = {
    "pilot_status": "state",
    "expert_teams": "stock",
    "experts": "stock",
    "firms": "stock",
    "tech_firms": "stock",
    "high_tech_firms": "stock",
    "awareness": "mean",
    "needs_raised": "flow",
    "needs_unposted": "stock",
    "problems_posted": "flow",
    "problems_open": "stock",
    "problems_solved": "flow",
    "needs_solved": "flow",
    "needs_abandoned": "flow",
    "expert_services": "flow",
    "tech_contracts": "flow",
    "tech_contract_value": "flow",
    "forum_viewers": "flow",
    "consortia": "stock",
    "consortium_members": "stock",
    "startups_admitted": "flow",
    "startups_active": "stock",
    "startups_graduated": "flow",
    "startups_failed": "flow",
    "financing_deals": "flow",
    "financing_amount": "flow",
    "reward_funds": "flow",
    "programme_spend": "flow",
    "innovations": "flow",
    "rd_spend": "flow",
    "output_value": "flow",
    "firm_births": "flow",
    "firm_exits": "flow",
    "certifications": "flow",
    "workstations": "stock",
    "district_effort": "state",
}

# Outcomes shown by paired_differences when none are named: the plan's headline figures.
DEFAULT_OUTCOMES = ("tech_firms", "high_tech_firms", "problems_solved", "expert_services", "tech_contracts",
                    "innovations")


def _unit(metric: str) -> str:
    return METRIC_UNITS.get(metric, "")


def _kind(metric: str) -> str:
    return METRIC_KINDS.get(metric, "flow")


# --- data helpers -----------------------------------------------------------------------------


def _metrics(ds: Any):
    """The metrics of a run or comparison as a DataArray (scenario, replicate, time, district,
    metric), failed replicates NaN."""
    import xarray as xr

    if isinstance(ds, xr.Dataset):
        if "metrics" not in ds:
            raise ValueError("expected a Dataset with 'metrics' (from kcsim.run, kcsim.compare or a kcsim run "
                             "file); this one has " + ", ".join(map(str, ds.data_vars)))
        m = ds["metrics"]
        if "replicate_ok" in ds and "replicate" in ds["replicate_ok"].dims:
            m = m.where(ds["replicate_ok"] == 1)
        name = ds.attrs.get("scenario_name", "scenario")
    elif isinstance(ds, xr.DataArray):  # e.g. kcsim.simulation_metrics(sim)
        m = ds
        name = ds.attrs.get("scenario_name") or "simulation"
    else:
        raise TypeError(f"expected an xarray Dataset or DataArray, got {type(ds).__name__}")
    missing = {"time", "district", "metric"} - set(m.dims)
    if missing:
        raise ValueError(f"metrics lack the dimension(s) {sorted(missing)}: dims are {m.dims}")
    if "replicate" not in m.dims:
        m = m.expand_dims(replicate=[0])
    if "scenario" not in m.dims:
        m = m.expand_dims(scenario=[str(name)])
    return m.transpose("scenario", "replicate", "time", "district", "metric")


def _check_metric(m, metric: str) -> None:
    names = [str(x) for x in m["metric"].values]
    if metric not in names:
        import difflib

        close = difflib.get_close_matches(metric, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"no metric {metric!r}{hint} (kcsim.metric_names() lists them)")


def _choose(m, dim, chosen) -> list:
    """The labels of `dim` named by `chosen` (one, a list, or None for all), checked."""
    all_ = [str(x) for x in m[dim].values]
    if chosen is None:
        return all_
    chosen = [chosen] if isinstance(chosen, str) else list(chosen)
    unknown = [c for c in chosen if c not in all_]
    if unknown:
        raise ValueError(f"no {dim} {unknown[0]!r}; the {dim}s are {', '.join(all_)}")
    return chosen


def _selection(ds, metric, scenarios, districts, cumulative):
    """The metrics of `ds`, and the scenarios and districts chosen, checked for `metric`."""
    m = _metrics(ds)
    _check_metric(m, metric)
    names = _choose(m, "scenario", scenarios)
    chosen = _choose(m, "district", districts)
    if cumulative and _kind(metric) != "flow":
        raise ValueError(f"cumulative=True needs a flow; {metric!r} is a {_kind(metric)}")
    return m, names, chosen


def _aggregate(m, metric: str, districts: Sequence[str]):
    """The figure of `metric` over `districts` per (scenario, replicate, time), by the city rule."""
    sel = m.sel(district=list(districts))
    x = sel.sel(metric=metric)
    if metric == "awareness":
        firms = sel.sel(metric="firms")
        return (x * firms).sum("district", skipna=False) / firms.sum("district", skipna=False)
    if metric == "pilot_status":
        return (x > 0).sum("district").where(x.notnull().all("district"))
    if metric == "district_effort":
        return x.mean("district", skipna=False)
    return x.sum("district", skipna=False)


def _step_days(m) -> Optional[int]:
    t = m["time"].values
    if len(t) < 2:
        return None
    try:
        return int(round((t[1] - t[0]) / np.timedelta64(1, "D")))
    except TypeError:
        return None


def _value_label(metric: str, m, cumulative: bool) -> str:
    unit = _unit(metric)
    if _kind(metric) == "flow":
        if cumulative:
            return f"{unit}, cumulative" if unit else "cumulative"
        days = _step_days(m)
        per = "per week" if days == 7 else (f"per {days}-day step" if days else "per step")
        return f"{unit} {per}" if unit else per
    return unit


def _date_axis(ax, maxticks: int = 8) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=2, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _new_axes(ax, figsize=(8, 4.5)):
    if ax is not None:
        return ax
    return _figure(figsize).add_subplot()


def _quantile(x, qs):
    """Quantiles over replicates; steps not yet run (NaN in every replicate) stay NaN, quietly."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "All-NaN slice encountered", RuntimeWarning)
        return x.quantile(qs, dim="replicate")


def _figure(figsize):
    """A new figure through pyplot, so that notebooks show it (any backend, Agg included)."""
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, layout="constrained")


def _band_alphas(n: int) -> list:
    return [0.15 + 0.15 * k for k in range(n)]


# --- fan chart --------------------------------------------------------------------------------


def fan_chart(ds, metric: str, district: Union[str, Sequence[str], None] = None, city: bool = True,
              quantiles: Sequence[float] = (0.05, 0.25, 0.75, 0.95), ax=None, *, cumulative: bool = False,
              scenarios: Union[str, Sequence[str], None] = None):
    """A metric over time, one median line per scenario with uncertainty bands over replicates.

    ``ds``: a Dataset of ``kcsim.run`` (one scenario), ``kcsim.compare`` (dimension
    ``scenario``), a ``kcsim run`` file opened with ``kcsim.open_results``, or the DataArray of
    ``kcsim.simulation_metrics``. ``district``: None (all), a district id or a list of ids.
    ``city=True`` aggregates the chosen districts into one figure (city rule, see the module
    docstring); ``city=False`` draws each district separately. ``quantiles`` are paired from the
    outside in into bands (0.05-0.95 and 0.25-0.75 by default). ``cumulative=True`` draws running
    totals of a flow. ``scenarios`` limits the scenarios drawn. Returns the Axes.
    """
    m, names, chosen = _selection(ds, metric, scenarios, district, cumulative)
    qs = sorted(float(q) for q in quantiles)
    if any(not 0.0 <= q <= 1.0 for q in qs):
        raise ValueError(f"quantiles must lie in [0, 1], got {list(quantiles)}")
    m = m.sel(scenario=names)

    if city:
        series = {None: _aggregate(m, metric, chosen)}
    else:
        series = {d: m.sel(district=d, metric=metric) for d in chosen}

    ax = _new_axes(ax)
    from matplotlib.patches import Patch

    n_reps = int(m.sizes["replicate"])
    pairs = [(qs[i], qs[-1 - i]) for i in range(len(qs) // 2) if qs[i] < qs[-1 - i]] if n_reps > 1 else []
    alphas = _band_alphas(len(pairs))
    time = m["time"].values
    k = 0
    for d, x in series.items():
        if cumulative:
            x = x.cumsum("time", skipna=False)
        q = _quantile(x, [0.5] + [v for p in pairs for v in p])
        for s in names:
            color = f"C{k % 10}"
            k += 1
            qs_ = q.sel(scenario=s)
            for (lo, hi), alpha in zip(pairs, alphas):
                ax.fill_between(time, qs_.sel(quantile=lo).values, qs_.sel(quantile=hi).values, color=color,
                                alpha=alpha, linewidth=0)
            label = s if d is None else (d if len(names) == 1 else f"{s}: {d}")
            ax.plot(time, qs_.sel(quantile=0.5).values, color=color, linewidth=1.6, label=label)

    where = "Chongqing" if (city and district is None) else _district_list(chosen)
    if city and len(chosen) > 1 and metric in ("awareness", "pilot_status", "district_effort"):
        rule = {"awareness": "firm-weighted mean", "pilot_status": "districts with a pilot",
                "district_effort": "mean over districts"}[metric]
        where += f" ({rule})"
    label = _value_label(metric, m, cumulative)
    ax.set_title(f"{metric}: {where}" + (f" [{label}]" if label else ""))
    ax.set_ylabel(label or metric)
    _date_axis(ax)
    if len(time) > 1:
        ax.set_xlim(time[0], time[-1])  # the whole period, also when later steps are not run yet (NaN)
    ax.grid(True, alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    for (lo, hi), alpha in zip(pairs, alphas):
        handles.append(Patch(color="0.3", alpha=alpha, linewidth=0))
        labels.append(f"{100 * lo:g}-{100 * hi:g}% of {n_reps} replicates")
    ax.legend(handles, labels, fontsize="small", loc="best", title="median and bands" if pairs else None,
              title_fontsize="small")
    return ax


def _district_list(chosen: Sequence[str], width: int = 60) -> str:
    """The districts by id for a title: all of them if they fit in `width` characters, else as
    many as fit and how many more ("wanzhou, kaizhou, ... and 9 more (12 districts)")."""
    text = ", ".join(chosen)
    if len(text) <= width:
        return text
    shown: list = []
    for d in chosen:
        rest = len(chosen) - len(shown) - 1
        if len(", ".join(shown + [d])) + len(f" and {rest} more ({len(chosen)} districts)") > width:
            break
        shown.append(d)
    return ", ".join(shown) + f" and {len(chosen) - len(shown)} more ({len(chosen)} districts)"


# --- paired differences -----------------------------------------------------------------------


def paired_differences(cmp, metrics: Union[str, Sequence[str], None] = None, ax=None):
    """Each scenario's paired difference from the baseline with its 95% confidence interval.

    ``cmp``: the Dataset of ``kcsim.compare`` (or the ``comparison`` group of a ``kcsim compare``
    file). ``metrics``: one name (one Axes, returned), or a list (one panel per metric in a new
    Figure, returned); default: tech_firms, high_tech_firms, problems_solved, expert_services,
    tech_contracts, innovations. Flows are totals over the period, stocks their value at the end,
    as in ``cmp.summary``. A bar is the mean difference; the whisker its 95% interval (none with
    one replicate).
    """
    if "summary" not in cmp:
        raise ValueError("expected the Dataset of kcsim.compare (or a comparison group) with 'summary'")
    summary = cmp["summary"]
    scen = [str(s) for s in summary["scenario"].values]
    baseline = str(cmp.attrs.get("baseline", scen[0]))
    others = [s for s in scen if s != baseline]
    if not others:
        raise ValueError("the comparison has only its baseline: nothing to compare")
    single = isinstance(metrics, str)
    names = [metrics] if single else list(metrics if metrics is not None else DEFAULT_OUTCOMES)
    available = [str(x) for x in summary["metric"].values]
    for name in names:
        if name not in available:
            raise ValueError(f"no metric {name!r} in the comparison")
    n_kept = int(cmp.sizes.get("replicate_kept", cmp.attrs.get("replicates", 0)) or 0)

    if ax is not None or single:
        if len(names) != 1:
            raise ValueError("with ax=..., give one metric (a list of metrics gets a figure of panels)")
        ax = _new_axes(ax, figsize=(6, 0.6 * len(others) + 1.6))
        _difference_panel(ax, summary, names[0], baseline, others, n_kept)
        return ax

    ncols = min(3, len(names))
    nrows = math.ceil(len(names) / ncols)
    fig = _figure((4.6 * ncols, (0.45 * len(others) + 1.5) * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, name in enumerate(names):
        _difference_panel(axes.flat[i], summary, name, baseline, others, n_kept)
    for extra in axes.flat[len(names):]:
        fig.delaxes(extra)
    fig.suptitle(f"Paired difference from {baseline}, mean and 95% CI"
                 + (f" over {n_kept} replicates" if n_kept else ""))
    return fig


def _difference_panel(ax, summary, metric, baseline, others, n_kept):
    s = summary.sel(metric=metric)
    mean = np.array([float(s.sel(scenario=o, statistic="diff_mean")) for o in others])
    lo = np.array([float(s.sel(scenario=o, statistic="diff_lo95")) for o in others])
    hi = np.array([float(s.sel(scenario=o, statistic="diff_hi95")) for o in others])
    err = np.vstack([mean - lo, hi - mean])
    err[~np.isfinite(err)] = 0.0  # one replicate: no interval (stored as +-inf)
    y = np.arange(len(others))[::-1]
    colors = [f"C{(k + 1) % 10}" for k in range(len(others))]
    ax.barh(y, mean, height=0.6, xerr=err, color=colors, alpha=0.8, capsize=3, error_kw={"linewidth": 1})
    ax.axvline(0.0, color="0.2", linewidth=0.8)
    ax.set_ylim(-0.6, len(others) - 0.4)
    ticks = []
    for o, v, a, b in zip(others, mean, lo, hi):
        text = _number(v, sign=True) if np.isfinite(v) else "n/a"
        if np.isfinite(a) and np.isfinite(b):
            text += f" [{_number(a)}, {_number(b)}]"
        ticks.append(f"{o}\n{text}")  # every panel names its scenarios: panels are read one by one
    ax.set_yticks(y)
    ax.set_yticklabels(ticks, fontsize="small")
    measure = "total" if _kind(metric) == "flow" else "end"
    unit = _unit(metric)
    ax.set_title(f"{metric} ({measure}{', ' + unit if unit else ''})", fontsize="medium")
    ax.set_xlabel(f"difference from {baseline}" + (f" [{unit}]" if unit else ""))
    ax.grid(True, axis="x", alpha=0.3)


def _number(v: float, sign: bool = False) -> str:
    text = f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    return ("+" if sign and v > 0 else "") + text


# --- district small multiples -----------------------------------------------------------------


def district_small_multiples(ds, metric: str, scenario: Union[str, Sequence[str], None] = None, ncols: int = 6, *,
                             districts: Optional[Sequence[str]] = None, cumulative: bool = False,
                             sharey: bool = False):
    """One small panel per district: the median over replicates and the 5-95% band, per scenario.

    ``ds`` as for :func:`fan_chart`. ``scenario``: one name, a list, or None for all.
    ``districts`` limits the panels; ``cumulative=True`` draws running totals of a flow;
    ``sharey=True`` puts every panel on the same scale. Returns the Figure (one Axes per district,
    titled with its id, in scenario order).
    """
    m, names, chosen = _selection(ds, metric, scenario, districts, cumulative)
    if ncols < 1:
        raise ValueError("ncols must be at least 1")
    x = m.sel(scenario=names, metric=metric, district=chosen)
    if cumulative:
        x = x.cumsum("time", skipna=False)
    q = _quantile(x, [0.05, 0.5, 0.95])
    time = m["time"].values

    ncols = min(ncols, len(chosen))
    nrows = math.ceil(len(chosen) / ncols)
    fig = _figure((2.1 * ncols, 1.55 * nrows + 0.9))
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=sharey)
    for i, d in enumerate(chosen):
        ax = axes.flat[i]
        for k, s in enumerate(names):
            qd = q.sel(scenario=s, district=d)
            color = f"C{k % 10}"
            ax.fill_between(time, qd.sel(quantile=0.05).values, qd.sel(quantile=0.95).values, color=color,
                            alpha=0.25, linewidth=0)
            ax.plot(time, qd.sel(quantile=0.5).values, color=color, linewidth=1.1, label=s)
        ax.set_title(d, fontsize="small", pad=2)
        ax.tick_params(labelsize="x-small")
        ax.grid(True, alpha=0.25)
        _date_axis(ax, maxticks=4)
    for j, extra in enumerate(axes.flat[len(chosen):]):
        fig.delaxes(extra)
    # The panels above an emptied slot of the last row show their dates.
    for j in range(len(chosen), nrows * ncols):
        above = j - ncols
        if 0 <= above < len(chosen):
            axes.flat[above].xaxis.set_tick_params(labelbottom=True)
    label = _value_label(metric, m, cumulative)
    n_reps = int(m.sizes["replicate"])
    fig.suptitle(f"{metric} by district" + (f" [{label}]" if label else "")
                 + f": median and 5-95% of {n_reps} replicates")
    if len(names) > 1:
        axes.flat[0].legend(fontsize="xx-small", loc="upper left")
    return fig


# --- sensitivity ------------------------------------------------------------------------------


def sensitivity_ranking(sweep_ds, outcome: str, policy: int = 0, ax=None, contrast: bool = False):
    """Parameters ranked by their effect on ``outcome`` in a sweep, as horizontal bars.

    ``sweep_ds``: the Dataset of ``kcsim.sweep`` (or the ``sweep`` group of a ``kcsim sweep``
    file). Design ``saltelli``: total Sobol' index ST and first-order S1, each with its 95%
    bootstrap interval, ranked by ST. Design ``morris``: mu* (mean absolute elementary effect,
    in the outcome's units per whole range of the parameter) and sigma (spread of the effects),
    ranked by mu*. ``policy``: the lever combination (0 without levers). ``contrast=True``: the
    indices of (policy - policy 0) instead (``contrast_*``; a policy from 1), which rank the
    parameters by how much they move the policy's effect, not the outcome's level. Returns the Axes.
    """
    pre = "contrast_" if contrast else ""
    if contrast and pre + "sobol_st" not in sweep_ds and pre + "morris_mu_star" not in sweep_ds:
        raise ValueError("this sweep has no indices on contrasts: they need a saltelli or morris design and a lever "
                         "(more than one policy)")
    if contrast and policy < 1:
        raise ValueError("contrast=True compares a policy with policy 0: give policy=1 or more")
    if "sobol_st" in sweep_ds:
        design = "sobol"
    elif "morris_mu_star" in sweep_ds:
        design = "morris"
    else:
        raise ValueError(f"this sweep (design {sweep_ds.attrs.get('design', '?')!r}) has no sensitivity indices: "
                         "use design 'saltelli' or 'morris'")
    first = sweep_ds["sobol_st" if design == "sobol" else "morris_mu_star"]
    pdim = first.dims[0]  # 'policy_id' from kcsim.sweep, 'policy' in a kcsim sweep file
    outcomes = [str(o) for o in sweep_ds["outcome"].values]
    if outcome not in outcomes:
        raise ValueError(f"no outcome {outcome!r} in this sweep; its outcomes are {', '.join(outcomes)}")
    if not 0 <= policy < sweep_ds.sizes[pdim]:
        raise ValueError(f"policy {policy}: this sweep has policies 0 to {sweep_ds.sizes[pdim] - 1}")

    def get(name):
        return sweep_ds[pre + name].isel({pdim: policy}).sel(outcome=outcome).values.astype(float)

    params = [str(p) for p in sweep_ds["parameter"].values]
    if design == "sobol":
        main, main_lo, main_hi = get("sobol_st"), get("sobol_st_lo"), get("sobol_st_hi")
        second, second_lo, second_hi = get("sobol_s1"), get("sobol_s1_lo"), get("sobol_s1_hi")
        names = ("ST (total)", "S1 (first order)")
    else:
        main, second = get("morris_mu_star"), get("morris_sigma")
        main_lo = main_hi = second_lo = second_hi = None
        names = ("mu* (mean |effect|)", "sigma (sd of effects)")

    order = np.argsort(np.where(np.isfinite(main), -main, np.inf), kind="stable")
    ax = _new_axes(ax, figsize=(8, 0.5 * len(params) + 1.6))
    y = np.arange(len(params))[::-1].astype(float)
    h = 0.38

    def err(v, lo, hi):
        if lo is None:
            return None
        e = np.vstack([v - lo, hi - v])[:, order]
        e[~np.isfinite(e)] = 0.0
        return np.clip(e, 0.0, None)

    ax.barh(y + h / 2, main[order], height=h, xerr=err(main, main_lo, main_hi), color="C0", label=names[0],
            capsize=2, error_kw={"linewidth": 0.8})
    ax.barh(y - h / 2, second[order], height=h, xerr=err(second, second_lo, second_hi), color="C1", alpha=0.75,
            label=names[1], capsize=2, error_kw={"linewidth": 0.8})
    ax.set_yticks(y)
    ax.set_yticklabels([params[i] for i in order], fontsize="small")
    ax.axvline(0.0, color="0.2", linewidth=0.8)
    ax.grid(True, axis="x", alpha=0.3)
    lever_text = _policy_levers(sweep_ds, policy)
    several = sweep_ds.sizes[pdim] > 1
    suffix = f" (policy {policy}{': ' + lever_text if lever_text else ''})" if several or lever_text else ""
    if contrast:
        base_text = _policy_levers(sweep_ds, 0)
        suffix = f", policy {policy} - policy 0{suffix}{' vs ' + base_text if base_text else ''}"
    unit = _unit(outcome)
    measure = "total" if _kind(outcome) == "flow" else "end"
    if design == "sobol":
        ax.set_title(f"{outcome} ({measure}): Sobol' indices{suffix}")
        ax.set_xlabel("share of the outcome's variance; whiskers: 95% bootstrap interval")
    else:
        ax.set_title(f"{outcome} ({measure}): Morris mu* and sigma{suffix}")
        ax.set_xlabel(f"{unit + ' ' if unit else ''}per whole range of the parameter")
    ax.legend(fontsize="small", loc="lower right")
    return ax


def _policy_levers(ds, policy: int) -> str:
    """'rewards.rule = "tournament"' for the policy's lever values, or ''."""
    pol = None
    if "experiment_policy" in ds:
        pol = ds["experiment_policy"].values
    elif "policy" in ds.data_vars and ds["policy"].dims == ("experiment",):
        pol = ds["policy"].values
    if pol is None:
        return ""
    rows = np.nonzero(np.asarray(pol).astype(int) == policy)[0]
    if len(rows) == 0:
        return ""
    skip = {"policy", "sample", "experiment_policy", "experiment_sample"} | {str(p) for p in ds["parameter"].values}
    parts = []
    for name, var in ds.data_vars.items():
        if var.dims == ("experiment",) and name not in skip:
            v = var.values[rows[0]]
            parts.append(f"{name} = {v.decode() if isinstance(v, bytes) else v}")
    return ", ".join(parts)
