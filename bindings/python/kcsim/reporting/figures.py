"""The numbers a report shows, from a results Dataset: figures per district, sub-region and city
(flows totalled over the period, other metrics at its end, as ``kcsim compare`` does), their
mean and 90% interval over replicates, and paired differences from a baseline with a 95%
confidence interval (the same rules as sim/analysis/paired.cpp)."""

from __future__ import annotations

import math
import tomllib

import numpy as np

from .. import plots

SUBREGIONS = ("metro", "northeast", "southeast")


def t975(df: float) -> float:
    """Student's t 97.5% quantile, as sim/analysis/paired.cpp computes it."""
    table = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
             2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
             2.045, 2.042)
    if not df >= 1:
        return math.inf
    if df <= 30 and df == math.floor(df):
        return table[int(df) - 1]
    z = 1.959963984540054
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df)


def describe(x: np.ndarray) -> np.ndarray:
    """Mean, 5% and 95% quantiles (numpy's linear rule) along the first axis: shape (3, ...)."""
    if x.shape[0] == 0:
        return np.full((3,) + x.shape[1:], np.nan)
    return np.stack([x.mean(axis=0), np.quantile(x, 0.05, axis=0), np.quantile(x, 0.95, axis=0)])


def paired(base: np.ndarray, other: np.ndarray) -> np.ndarray:
    """other - base along the first axis (replicates): mean, lo95, hi95, P(higher): shape (4, ...)."""
    d = other - base
    n = d.shape[0]
    mean = d.mean(axis=0)
    half = t975(n - 1) * np.sqrt(d.var(axis=0, ddof=1) / n) if n > 1 else np.full(mean.shape, np.inf)
    higher = ((d > 0) + 0.5 * (d == 0)).mean(axis=0)
    return np.stack([mean, mean - half, mean + half, higher])


def district_table(ds, scenario_toml: str = "") -> list[dict]:
    """One row per district of the file: id, names, sub-region, kind, and the parent district of
    a functional zone (from the resolved scenario the file records)."""
    parents = {}
    if scenario_toml:
        try:
            for d in tomllib.loads(scenario_toml).get("districts", []):
                parents[d.get("id", "")] = d.get("parent", "")
        except tomllib.TOMLDecodeError:
            pass

    def col(name, default=""):
        return [str(v) for v in ds[name].values] if name in ds.coords or name in ds else [default] * ds.sizes["district"]

    ids = [str(v) for v in ds["district"].values]
    rows = zip(ids, col("district_name"), col("district_name_zh"), col("subregion"), col("district_kind"))
    return [{"id": i, "name": n, "name_zh": z, "subregion": s, "kind": k, "parent": parents.get(i, "")}
            for i, n, z, s, k in rows]


class Figures:
    """A run's or comparison's metrics reduced for the report. ``m``: (scenario, replicate, time,
    district, metric) with failed replicates NaN; only replicates that every scenario kept count."""

    def __init__(self, ds):
        m = plots._metrics(ds)
        self.scenarios = [str(s) for s in m["scenario"].values]
        self.metrics = [str(x) for x in m["metric"].values]
        self.dates = [str(d)[:10] for d in (ds["date"].values if "date" in ds.coords else m["time"].values)]
        self.units = ([str(u) for u in ds["metric_unit"].values] if "metric_unit" in ds.coords
                      else [plots._unit(x) for x in self.metrics])
        self.kinds = ([str(u) for u in ds["metric_kind"].values] if "metric_kind" in ds.coords
                      else [plots._kind(x) for x in self.metrics])
        ok = np.isfinite(m.isel(time=-1, district=0, metric=0).values).all(axis=0)
        self.kept = int(ok.sum())
        self.replicates = int(ok.size)
        self.m = m.isel(replicate=np.nonzero(ok)[0])
        self.flow = np.array([k == "flow" for k in self.kinds])
        self.districts = [str(d) for d in m["district"].values]
        # Dates label the last day of each step; the period starts a step before the first.
        import datetime as dt

        d0 = dt.date.fromisoformat(self.dates[0])
        step = (dt.date.fromisoformat(self.dates[1]) - d0).days if len(self.dates) > 1 else 1
        self.start = (d0 - dt.timedelta(days=step - 1)).isoformat()
        self._by_metric = None

    def _with_firms(self, metric: str):
        """The metric and ``firms`` (a city rule weights by it) only: slicing one metric out of the
        whole array at a time is what makes a four-scenario report take seconds, not minutes."""
        if self._by_metric is None:
            self._by_metric = self.m.transpose("metric", ...).copy()
        return self._by_metric.sel(metric=list(dict.fromkeys([metric, "firms"]))).transpose(*self.m.dims)

    def _period(self, x: np.ndarray) -> np.ndarray:
        """(..., time, metric) -> (..., metric): flows totalled, the rest at the end."""
        return np.where(self.flow, x.sum(axis=-2), x[..., -1, :])

    def by_district(self) -> np.ndarray:
        """(scenario, replicate, district, metric) for the period."""
        x = self.m.transpose("scenario", "replicate", "district", "time", "metric").values
        return self._period(x)

    def over(self, districts) -> np.ndarray:
        """(scenario, replicate, time, metric): the figure over ``districts`` by the city rule."""
        cols = [plots._aggregate(self._with_firms(k), k, districts).transpose("scenario", "replicate", "time").values
                for k in self.metrics]
        return np.stack(cols, axis=-1)

    def area(self, districts) -> np.ndarray:
        """(scenario, replicate, metric) for the period over ``districts``."""
        return self._period(self.over(districts))

    def series(self, metric: str, districts=None) -> np.ndarray:
        """(scenario, replicate, time) of one metric over the city (or ``districts``), flows
        accumulated from the start."""
        x = plots._aggregate(self._with_firms(metric), metric, districts or self.districts)
        x = x.transpose("scenario", "replicate", "time")
        x = x.values
        return np.cumsum(x, axis=-1) if self.flow[self.metrics.index(metric)] else x


def scenario_toml_of(ds, h5=None, group: str = "") -> str:
    """The resolved scenario TOML the file or Dataset records ('' when none)."""
    if "scenario_toml" in ds.attrs:
        return str(ds.attrs["scenario_toml"])
    if h5 is not None and group and group in h5:
        v = h5[group].attrs.get("scenario_toml", "")
        return v.decode() if isinstance(v, bytes) else str(v)
    return ""
