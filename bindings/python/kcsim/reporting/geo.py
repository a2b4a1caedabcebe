"""The map of Chongqing: the 38 county-level boundaries of ECharts 4.9.0
(``map/json/province/chongqing.json`` of the npm package ``echarts``, Apache-2.0; fetched by
scripts/install-deps.sh and copied beside this module by the build), decoded and projected to
SVG paths named by kcsim district id. The three functional zones have no boundary of their own
there: they are marked inside their parent district (the scenario's ``parent`` column)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Optional

ECHARTS_VERSION = "4.9.0"
GEOMETRY_SHA256 = "24f01b4818d6a9dae19559340704cf45fd74162324af31a1169ace4f5cf063d6"
CREDIT = ("District boundaries: Apache ECharts 4.9.0 (npm package echarts, map/json/province/chongqing.json), "
          "Apache License 2.0, © The Apache Software Foundation.")

# Units renamed since the geometry was drawn (both became districts in 2016): the geometry's
# name -> the current name in scenarios/base/chongqing.toml's name_zh column.
RENAMED = {"梁平县": "梁平区", "武隆县": "武隆区"}

WIDTH = 760.0  # SVG user units across


def geometry_path() -> Path:
    """Where the geometry is: ``$KCSIM_MAP_JSON``, else beside this module (the build copies it
    there), else the source tree's .deps (scripts/install-deps.sh puts it there)."""
    env = os.environ.get("KCSIM_MAP_JSON")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for p in (here / "assets" / "chongqing.json",
              here.parents[3] / ".deps" / f"echarts-{ECHARTS_VERSION}" / "chongqing.json"):
        if p.is_file():
            return p
    raise FileNotFoundError(
        f"the map geometry (echarts {ECHARTS_VERSION} map/json/province/chongqing.json) is missing: not at "
        f"{here / 'assets' / 'chongqing.json'}; run scripts/install-deps.sh, then build (or set KCSIM_MAP_JSON)")


def _decode_ring(text: str, offset, scale: float):
    # ECharts' compressed coordinates: per point two characters, zig-zag coded deltas + 64.
    x0, y0 = offset
    out = []
    for i in range(0, len(text), 2):
        x = ord(text[i]) - 64
        y = ord(text[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x0 += x
        y0 += y
        out.append((x0 / scale, y0 / scale))
    return out


def load_units(path: Optional[Path] = None) -> list[dict]:
    """[{name, centre: (lon, lat), polygons: [[ring of (lon, lat)]]}] for the 38 units."""
    path = path or geometry_path()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    scale = float(data.get("UTF8Scale", 1024))
    units = []
    for f in data["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        offs = g["encodeOffsets"] if g["type"] == "MultiPolygon" else [g["encodeOffsets"]]
        rings = []
        for poly, off in zip(polys, offs):
            rings.append([_decode_ring(r, o, scale) if data.get("UTF8Encoding") else r for r, o in zip(poly, off)])
        units.append({"name": f["properties"]["name"], "centre": tuple(f["properties"]["cp"]), "polygons": rings})
    return units


class Projection:
    """Longitude/latitude to SVG units: equirectangular, x shrunk by cos(mean latitude)."""

    def __init__(self, units: list[dict]):
        pts = [p for u in units for poly in u["polygons"] for ring in poly for p in ring]
        lons = [p[0] for p in pts]
        lats = [p[1] for p in pts]
        self.lon0, self.lat1 = min(lons), max(lats)
        self.k = math.cos(math.radians((min(lats) + max(lats)) / 2))
        self.s = WIDTH / ((max(lons) - self.lon0) * self.k)
        self.height = (max(lats) - min(lats)) * self.s

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.k * self.s, (self.lat1 - lat) * self.s


def _path(polygons, proj: Projection) -> str:
    parts = []
    for poly in polygons:
        for ring in poly:
            xy = [proj(*p) for p in ring]
            parts.append("M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
    return "".join(parts)


def district_shapes(districts: list[dict]) -> dict:
    """The map for a results file's districts ([{id, name_zh, parent, kind}]): {width, height,
    regions: [{id, d}] (one per geometry unit, all 38 matched), zones: [{id, x, y}]}. Raises
    ValueError naming a unit that matches no district."""
    units = load_units()
    proj = Projection(units)
    counties = [d for d in districts if d.get("kind") != "functional_zone"]
    by_zh = {d["name_zh"]: d for d in counties}
    # Failing an exact name, the first two characters (unique among Chongqing's 38 units: 万州,
    # 石柱, ...), so that a file that writes a name another way (区 for 县) still maps.
    by_stem: dict = {}
    for d in counties:
        by_stem.setdefault(d["name_zh"][:2], []).append(d)
    regions, centre = [], {}
    for u in units:
        name = RENAMED.get(u["name"], u["name"])
        stem = by_stem.get(name[:2], [])
        d = by_zh.get(name) or (stem[0] if len(stem) == 1 else None)
        if d is None:
            raise ValueError(f"map unit {u['name']!r} matches no district's name_zh in this file")
        if d["id"] in centre:
            raise ValueError(f"map units {u['name']!r} and another both match district {d['id']!r}")
        regions.append({"id": d["id"], "d": _path(u["polygons"], proj)})
        centre[d["id"]] = proj(*u["centre"])
    zones = []
    for d in districts:
        if d.get("kind") == "functional_zone" and d.get("parent") in centre:
            x, y = centre[d["parent"]]
            zones.append({"id": d["id"], "x": round(x, 1), "y": round(y, 1)})
    return {"width": WIDTH, "height": round(proj.height, 1), "regions": regions, "zones": zones}
