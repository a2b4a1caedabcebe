"""Results as xarray, labelled exactly like the HDF5 files kcsim writes (docs/output-format.md)."""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional, Union

import numpy as np

from . import _core


def _toml_value(value: Any) -> str:
    import datetime as dt

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()  # a TOML date, unquoted
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        text = repr(float(value))
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, str):
        # A TOML basic string: backslash, quote and every control character escaped.
        return '"' + "".join(c if c not in '"\\' and ord(c) >= 0x20 and ord(c) != 0x7F else f"\\u{ord(c):04X}"
                             for c in value) + '"'
    raise TypeError(f"cannot write {value!r} ({type(value).__name__}) as a scenario value")


# A TOML bare key: letters, digits, '_' and '-'. Override keys are dotted bare keys (every
# scenario key is one), so nothing in a key can close the line or the table and inject TOML.
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _check_key(key: Any) -> tuple[str, str]:
    if not isinstance(key, str):
        raise TypeError(f"override key {key!r}: expected a string like 'enterprise.need_rate'")
    parts = key.split(".")
    if len(parts) < 2 or not all(_BARE_KEY.fullmatch(p) for p in parts):
        raise ValueError(f"override key {key!r}: expected 'section.name' of letters, digits, '_' and '-' "
                         "separated by dots, e.g. 'enterprise.need_rate'")
    return parts[0], ".".join(parts[1:])


def derive(scenario: _core.Scenario, overrides: Union[str, Mapping[str, Any]], name: str = "") -> _core.Scenario:
    """A validated variant of ``scenario``.

    ``overrides`` is TOML text or a mapping of dotted keys to values, e.g.
    ``{"enterprise.need_rate": 1.5, "rewards.rule": "tournament"}``; a date parameter takes a
    ``datetime.date`` or ISO text (``{"calendar.end": "2022-12-31"}``). Without ``name`` the
    variant is named after its parent and a short hash of the overrides (``plan-1a2b3c4d``), so
    that it can be compared with its parent. Errors are ScenarioError.
    """
    if not isinstance(overrides, str):
        import datetime as dt

        current = scenario.params
        sections: dict[str, list[str]] = {}
        for key, value in overrides.items():
            section, name_ = _check_key(key)
            # A date parameter (its value is ISO text in params) also takes ISO text, as a date:
            # a mapping cannot write a TOML date "without quotes".
            if isinstance(value, str) and _ISO_DATE.fullmatch(str(current.get(key, ""))) and _ISO_DATE.fullmatch(value):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    pass  # not a real day: the validator says so
            sections.setdefault(section, []).append(f"{name_} = {_toml_value(value)}")
        overrides = "".join(f"[{s}]\n" + "\n".join(lines) + "\n" for s, lines in sections.items())
    return scenario.derive(overrides, name)


def _coords(scenario: _core.Scenario):
    """The coordinates and labels of a kcsim file's scenario group (docs/output-format.md):
    dimension coordinates time, district, metric, and the labels along them."""
    import pandas as pd

    table = scenario.district_table
    return {
        "time": pd.to_datetime(scenario.dates),
        "district": scenario.districts,
        "metric": _core.metric_names(),
        "date": ("time", np.array(scenario.dates, dtype=object)),
        "district_name": ("district", np.array([d["name"] for d in table], dtype=object)),
        "district_name_zh": ("district", np.array([d["name_zh"] for d in table], dtype=object)),
        "subregion": ("district", np.array([d["subregion"] for d in table], dtype=object)),
        "district_kind": ("district", np.array([d["kind"] for d in table], dtype=object)),
        "metric_unit": ("metric", np.array(_core.metric_units(), dtype=object)),
        "metric_kind": ("metric", np.array(_core.metric_kinds(), dtype=object)),
    }


def _progress(label: str, progress):
    """A progress callback: a given callable, or a one-line bar on a terminal or in a notebook
    (progress=None: only when interactive), or nothing (progress=False)."""
    import sys
    import time

    if callable(progress):
        return progress
    if progress is False:
        return None
    interactive = sys.stderr.isatty() or "ipykernel" in sys.modules
    if progress is None and not interactive:
        return None
    start = time.perf_counter()

    def show(done: int, total: int) -> None:
        secs = time.perf_counter() - start
        rate = done / secs if secs > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label}: {done}/{total}  {rate:.1f}/s  about {left:.0f}s left   {end}")
        sys.stderr.flush()

    return show


def run(
    scenario: Union[_core.Scenario, str],
    replicates: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 0,
    progress=None,
):
    """Run replicates of a scenario in parallel (GIL released; Ctrl-C stops it cleanly).

    Returns an xarray Dataset with ``metrics(replicate, time, district, metric)``,
    ``ledger(replicate, year, ledger_item)``, ``team_reports(replicate, time, team,
    team_report_item)`` (the teams' weekly services and needs solved, NaN before a team is formed)
    and ``replicate_ok(replicate)``, the same labels as
    ``kcsim run`` writes. ``scenario`` may be a Scenario or a path (``builtin:plan.toml``).
    """
    import xarray as xr

    if isinstance(scenario, str):
        scenario = _core.load_scenario(scenario)
    reps = int(replicates if replicates is not None else scenario.params["run.replicates"])
    if reps < 1:
        raise ValueError(f"replicates={reps}: expected at least 1")
    metrics, ledger, ok, messages, teams = _core.run_ensemble(scenario, reps, seed, threads,
                                                              _progress(scenario.name, progress))
    years = sorted({int(d[:4]) for d in scenario.dates})
    ds = xr.Dataset(
        {
            "metrics": (("replicate", "time", "district", "metric"), metrics),
            "ledger": (("replicate", "year", "ledger_item"), ledger),
            "replicate_ok": (("replicate",), ok),
            "replicate_message": (("replicate",), np.array(messages, dtype=object)),
            "team_reports": (("replicate", "time", "team", "team_report_item"), teams),
        },
        coords={**_coords(scenario), "replicate": np.arange(reps, dtype=np.uint64), "year": years,
                "ledger_item": _core.ledger_items(), "team": np.arange(teams.shape[2], dtype=np.int32),
                "team_report_item": _core.team_report_items()},
        attrs={
            "scenario_name": scenario.name,
            "scenario_toml": scenario.resolved_toml,
            "scenario_sha256": scenario.sha256,
            "seed": int(seed if seed is not None else scenario.params["run.seed"]),
            "kcsim_version": _core.__version__,
            "git_commit": _core.git_commit,
        },
    )
    return ds


def simulation_metrics(sim: _core.Simulation):
    """The simulation's metrics so far as a labelled DataArray (time, district, metric).

    It wraps ``sim.metrics_view`` without copying: the numbers change as the simulation steps.
    """
    import xarray as xr

    return xr.DataArray(sim.metrics_view, dims=("time", "district", "metric"), coords=_coords(sim.scenario))


def open_results(path: str, group: Optional[str] = None, verify: bool = False):
    """Open a kcsim HDF5 file as xarray.

    Without ``group``: a ``kcsim run`` file gives its only scenario, a ``kcsim compare`` file
    the Dataset ``kcsim.compare`` returns (every scenario's ``metrics``, ``ledger`` and
    ``replicate_ok`` along ``scenario``, and ``city(scenario, replicate_kept, metric)``,
    ``summary``, ``targets``), a ``kcsim sweep`` file its ``sweep`` group, a ``kcsim select``
    file its ``selection`` group (the ranked portfolios; its subgroups ``selection/contributions``,
    ``selection/evaluated``... open by name). Name a group to open it as stored
    (``scenarios/plan``, ``comparison``, ``sweep``, ``selection``); a name the file lacks raises
    ``ValueError`` listing the groups it has.

    The file's structure is checked first, as ``kcsim verify`` checks it (shapes and sizes
    against the file's own declarations, HDF5's string heap), so that a damaged file raises
    ``OSError`` naming the file and the problem instead of crashing h5py. That check reads no
    data; ``verify=True`` runs all of ``kcsim verify`` (values, content_sha256) first.
    """
    import os

    import h5py
    import xarray as xr

    path = os.fspath(path)
    _core.check_results(path, full=bool(verify))

    with h5py.File(path, "r") as f:
        names = list(f["scenarios"]) if "scenarios" in f else []
        groups = ["scenarios/" + n for n in names] + [g for g in ("comparison", "sweep", "selection") if g in f]
        if "selection" in f:
            groups += ["selection/" + k for k in f["selection"] if isinstance(f["selection"][k], h5py.Group)]
        if group is not None:
            key = group.strip("/")
            if key not in groups:
                raise ValueError(f"{path}: no group {group!r}; the file has " + ", ".join(groups))
            group = key
        elif "comparison" in f:
            return _open_comparison(path)
        elif "sweep" in f:
            group = "sweep"
        elif "selection" in f:
            group = "selection"
        elif len(names) == 1:
            group = "scenarios/" + names[0]
        else:
            raise ValueError(f"{path}: choose a group: " + ", ".join(groups))
    return xr.open_dataset(path, group=group, engine="h5netcdf")


def _open_comparison(path: str):
    """A ``kcsim compare`` file in the shape of ``kcsim.compare``: the scenario groups stacked
    along ``scenario``, and the ``comparison`` group with its ``replicate`` (the position among the
    kept replicates) renamed ``replicate_kept`` and numbered by replicate, as in memory."""
    import h5py
    import pandas as pd
    import xarray as xr

    comp = xr.open_dataset(path, group="comparison", engine="h5netcdf")
    names = [str(n) for n in comp["scenario"].values]
    per = [xr.open_dataset(path, group="scenarios/" + n, engine="h5netcdf") for n in names]
    keep = [v for v in ("metrics", "ledger", "replicate_ok", "replicate_message") if v in per[0]]
    stacked = xr.concat([g[keep] for g in per],
                        dim=pd.Index(names, name="scenario"), coords="minimal", compat="override",
                        combine_attrs="drop")
    ok = np.logical_and.reduce([g["replicate_ok"].values == 1 for g in per])
    kept = per[0]["replicate"].values[ok].astype(np.uint64)
    comp = comp.rename({"replicate": "replicate_kept"}).assign_coords(replicate_kept=kept)
    ds = xr.merge([stacked, comp], compat="override", join="outer", combine_attrs="drop")
    with h5py.File(path, "r") as f:
        root = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
    ds.attrs = {"baseline": comp.attrs.get("baseline", names[0]), "fork_date": comp.attrs.get("fork_date", ""),
                "seed": int(root.get("seed", 0)), "kcsim_version": str(root.get("kcsim_version", ""))}
    return ds


def compare(scenarios, replicates: Optional[int] = None, seed: Optional[int] = None, threads: int = 0,
            fork_at: Optional[str] = None, progress=None, parameters: Optional[str] = None):
    """Scenarios on the same seeds, as ``kcsim compare`` does: returns an xarray Dataset with
    each scenario's ``metrics(scenario, replicate, time, district, metric)`` and ``ledger``, and
    the comparison: ``city(scenario, replicate_kept, metric)``, ``summary(scenario, metric,
    statistic)`` and ``targets(scenario, target)``. The first scenario is the baseline.
    ``fork_at``: run the first scenario to that date, then every scenario from that state.
    ``parameters``: a posterior file of ``kcsim calibrate``; replicate r of every scenario runs
    with posterior draw r (all draws unless ``replicates``), as ``kcsim compare --parameters``;
    the contrasts over the draws are in ``attrs["posterior_summary"]``."""
    import xarray as xr

    scs = [_core.load_scenario(s) if isinstance(s, str) else s for s in scenarios]
    names = [x.name for x in scs]
    if len(set(names)) != len(names):
        raise ValueError(f"compare: scenario names must differ (they label the results), got {names}")
    first = scs[0]
    if replicates is not None:
        reps = int(replicates)
    else:
        reps = 0 if parameters is not None else int(first.params["run.replicates"])
    s = int(seed if seed is not None else first.params["run.seed"])
    fork_step = -1
    if fork_at is not None:
        import datetime as dt

        day = dt.date.fromisoformat(fork_at)
        start = dt.date.fromisoformat(first.dates[0]) - dt.timedelta(days=first.step_days - 1)
        fork_step = (day - start).days // first.step_days
        if fork_step < 1 or fork_step >= first.steps:
            raise ValueError(f"fork_at={fork_at!r}: expected a date after the first week and inside the period")
    out = _core.compare_scenarios(scs, reps, s, threads, fork_step, _progress("compare", progress),
                                  "" if parameters is None else str(parameters))
    reps = int(out["replicates"])
    years = sorted({int(d[:4]) for d in first.dates})
    ds = xr.Dataset(
        {
            "metrics": (("scenario", "replicate", "time", "district", "metric"), out["metrics"]),
            "ledger": (("scenario", "replicate", "year", "ledger_item"), out["ledger"]),
            "replicate_ok": (("scenario", "replicate"), out["replicate_ok"]),
            "city": (("scenario", "replicate_kept", "metric"), out["city"]),
            "summary": (("scenario", "metric", "statistic"), out["summary"]),
            "targets": (("scenario", "target"), out["targets"]),
        },
        coords={**_coords(first), "scenario": [x.name for x in scs], "replicate": np.arange(reps, dtype=np.uint64),
                "replicate_kept": np.array(out["kept"], dtype=np.uint64), "year": years,
                "ledger_item": _core.ledger_items(), "statistic": out["statistics"], "target": out["target_names"]},
        attrs={"baseline": scs[0].name, "fork_date": out["fork_date"], "seed": s, "kcsim_version": _core.__version__},
    )
    if parameters is not None:
        ds.attrs["parameters_file"] = str(parameters)
        ds.attrs["posterior_summary"] = out["posterior_summary"]
    return ds


def sweep(path: str, replicates: Optional[int] = None, seed: Optional[int] = None, threads: int = 0, progress=None,
          parameters: Optional[str] = None):
    """A sweep file run as ``kcsim sweep`` runs it: returns an xarray Dataset with the
    experiments table (one variable per uncertain parameter and lever, ``policy``, ``sample``),
    ``outcomes(experiment, replicate, metric)`` and, for saltelli/morris designs, the indices
    ``sobol_*`` or ``morris_*`` (policy, outcome, parameter), and the same on contrasts
    (policy p - policy 0) as ``contrast_sobol_*`` or ``contrast_morris_*`` (NaN for policy 0).

    ``parameters``: a posterior file of ``kcsim calibrate``; replicate r of every experiment runs
    with posterior draw r for the parameters the sweep does not vary (its own values win), as
    ``kcsim sweep --parameters``; the sweep file's replicates must not exceed the draws."""
    import xarray as xr

    out = _core.run_sweep(str(path), replicates, seed, threads, _progress("sweep", progress),
                          "" if parameters is None else str(parameters))
    n = out["outcomes"].shape[0]
    data = {
        "outcomes": (("experiment", "replicate", "metric"), out["outcomes"]),
        "policy": (("experiment",), np.array(out["policy"])),
        "sample": (("experiment",), np.array(out["sample"])),
    }
    for k, key in enumerate(out["uncertain"]):
        data[key] = (("experiment",), out["uncertain_values"][:, k])
    nl = len(out["levers"])
    for k, key in enumerate(out["levers"]):
        data[key] = (("experiment",), np.array(out["lever_values"][k::nl] if nl else [], dtype=object))
    names = {"s1": "sobol_s1", "s1_lo": "sobol_s1_lo", "s1_hi": "sobol_s1_hi", "st": "sobol_st", "st_lo": "sobol_st_lo",
             "st_hi": "sobol_st_hi", "mu": "morris_mu", "mu_star": "morris_mu_star", "sigma": "morris_sigma"}
    for field, var in names.items():
        values = [[d[field] for d in per] for per in out["indices"]]
        if values and values[0] and len(values[0][0]) > 0:
            data[var] = (("policy_id", "outcome", "parameter"), np.array(values, dtype=float))
            # On contrasts: policy 0 (no contrast) and a failed sweep are NaN, as in the sweep file.
            con = np.full(data[var][1].shape, np.nan)
            for p, per in enumerate(out["contrasts"]):
                for o, d in enumerate(per):
                    if len(d[field]) > 0:
                        con[p, o, :] = d[field]
            data["contrast_" + var] = (("policy_id", "outcome", "parameter"), con)
    ds = xr.Dataset(
        data,
        coords={"experiment": np.arange(n), "replicate": np.arange(out["outcomes"].shape[1]),
                "metric": _core.metric_names(), "outcome": out["outcome_names"], "parameter": out["uncertain"],
                "policy_id": np.arange(len(out["indices"]))},
        attrs={"sweep_name": out["name"], "design": out["design"],
               # A failed replicate leaves NaN outcomes and, as in kcsim sweep, no indices at all.
               "failed_replicates": int(np.isnan(out["outcomes"][:, :, 0]).sum())},
    )
    if parameters is not None:
        ds.attrs["parameters_file"] = str(parameters)
        ds.attrs["parameters_sha256"] = out["parameters_sha256"]
        ds.attrs["parameters_applied"] = "\n".join(out["parameters_applied"])
        ds.attrs["parameters_overridden_by_sweep"] = "\n".join(out["parameters_overridden_by_sweep"])
    return ds


def select(path: str, replicates: Optional[int] = None, seed: Optional[int] = None, threads: int = 0,
           progress=None, fork: bool = True):
    """A decision file searched as ``kcsim select`` searches it (docs/select.md): which districts
    should become pilots, on the file's dates, with its new teams, for the best objective under
    its risk measure. Returns an xarray Dataset over the top ``portfolio``s (best first):
    ``score``, ``gain_mean`` with its 95% CI (``gain_lo95``, ``gain_hi95``, Monte Carlo), the
    spread of the per-replicate gains (``gain_q05``, ``gain_q95``: posterior draws and noise),
    ``p_best``, paired contrasts ``vs_best_*`` and, with a reference plan, ``vs_reference_*``,
    ``gain(portfolio, replicate)``, and the best's ``contribution(district)`` (leave one out).
    ``attrs`` hold the table (``table``), the search's stages, its runs and what evaluating every
    portfolio would cost, and the scenario discovery text. ``fork``: share each replicate's run up
    to the first decision date (as the CLI does by default)."""
    import xarray as xr

    out = _core.select_decision(str(path), replicates, seed, threads, _progress("select", progress), fork)
    labels = list(out["label"])
    data = {name: (("portfolio",), values) for name, values in out["columns"].items()}
    data["gain"] = (("portfolio", "replicate"), out["gain"])
    data["districts"] = (("portfolio",), np.array([",".join(d) for d in out["districts"]], dtype=object))
    data["contribution"] = (("district",), np.array(out["contribution"], dtype=float))
    data["contribution_lo95"] = (("district",), np.array(out["contribution_lo95"], dtype=float))
    data["contribution_hi95"] = (("district",), np.array(out["contribution_hi95"], dtype=float))
    ds = xr.Dataset(
        data,
        coords={"portfolio": labels, "replicate": np.arange(out["gain"].shape[1]),
                "district": list(out["contribution_district"])},
        attrs={"decision": out["name"], "base": out["base"], "reference": out["reference"], "method": out["method"],
               "space": int(out["space"]), "runs": int(out["runs"]), "exhaustive_runs": float(out["exhaustive_runs"]),
               "replicates": int(out["replicates"]), "seed": int(out["seed"]), "stages": "\n".join(out["stages"]),
               "table": out["table"], "discovery": out["discovery"], "kcsim_version": _core.__version__},
    )
    if out["screen_district"]:
        ds["screen_gain"] = xr.DataArray(np.array(out["screen_gain"], dtype=float), dims="candidate",
                                         coords={"candidate": list(out["screen_district"])})
    ds["evaluated_score"] = xr.DataArray(np.array(out["evaluated_score"], dtype=float), dims="evaluated",
                                         coords={"evaluated": list(out["evaluated"])})
    ds["evaluated_replicates"] = xr.DataArray(np.array(out["evaluated_replicates"], dtype=np.int64), dims="evaluated")
    return ds
