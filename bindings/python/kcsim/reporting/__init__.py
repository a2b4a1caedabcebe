"""``kcsim report``: one self-contained HTML page for a kcsim results file (docs/report.md).

    kcsim.report("outputs/demo.h5")                       # writes outputs/demo.html
    kcsim.report(kcsim.run("builtin:plan.toml", replicates=4), out="plan.html")

The program's ``kcsim report`` runs ``python -m kcsim.reporting`` (this package's ``main``), so
the command line and Python make the same page."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Optional, Union

from . import kinds
from .kinds.common import Context
from .page import page

LANGS = ("en", "zh")


def _attrs(h5obj) -> dict:
    return {k: (v.decode() if isinstance(v, bytes) else v.item() if hasattr(v, "item") else v)
            for k, v in h5obj.attrs.items()}


def _from_file(path: str, baseline: Optional[str], lang: str):
    import h5py

    from .. import open_results

    try:
        h5 = h5py.File(path, "r")
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except OSError as e:
        raise ValueError(f"{path}: not an HDF5 file kcsim can read ({e})") from None
    with h5:
        kind = kinds.of_file(h5)
        if kind is None:
            raise ValueError(f"{path}: not a kcsim run, compare, sweep, calibration or select file (its groups: {', '.join(h5) or 'none'})")
        attrs = _attrs(h5)
        sources, toml = {}, ""
        for name, g in (h5["scenarios"].items() if "scenarios" in h5 else []):
            a = _attrs(g)
            if a.get("scenario_source"):
                sources[f"scenario {name}"] = f"{a['scenario_source']} (sha256 {a.get('scenario_sha256', '')[:16]}…)"
            toml = toml or str(a.get("scenario_toml", ""))
        if "sweep" in h5:
            toml = toml or str(_attrs(h5["sweep"]).get("scenario_toml", ""))
        if "comparison" in h5:  # a comparison over a posterior: the file it used and its contrasts
            attrs["_comparison"] = {k: v for k, v in _attrs(h5["comparison"]).items()
                                    if k in ("parameters_file", "posterior_summary")}
        if hasattr(kind, "load"):  # a kind with no Dataset form reads the file itself
            data = kind.load(h5)
    if hasattr(kind, "load"):
        return kind, data, Context(lang=lang, baseline=baseline, attrs=attrs, source=str(path))
    try:
        ds = open_results(path)
    except OSError as e:  # a damaged file is bad input (exit 2), as kcsim verify reports it
        raise ValueError(str(e)) from None
    attrs["_scenario_sources"] = sources
    return kind, ds, Context(lang=lang, baseline=baseline, attrs=attrs, scenario_toml=toml, source=str(path))


def render(source, baseline: Optional[str] = None, lang: str = "en") -> str:
    """The page for ``source`` (a path or a Dataset from kcsim.run/compare/sweep/select/open_results)."""
    if lang not in LANGS:
        raise ValueError(f"lang={lang!r}: expected one of {', '.join(LANGS)}")
    if isinstance(source, (str, os.PathLike)):
        kind, ds, ctx = _from_file(os.fspath(source), baseline, lang)
    else:
        kind = kinds.of_dataset(source)
        if kind is None:
            raise ValueError("expected a Dataset from kcsim.run, kcsim.compare, kcsim.sweep, kcsim.select or kcsim.open_results; "
                             "this one has " + ", ".join(map(str, source.data_vars)))
        ds = source
        attrs = {k: v for k, v in ds.attrs.items() if k in ("kcsim_version", "git_commit", "seed")}
        ctx = Context(lang=lang, baseline=baseline, attrs=attrs, scenario_toml=str(ds.attrs.get("scenario_toml", "")))
    built = kind.build(ds, ctx)
    return page(built.title, built.subtitle, built.sections, built.data, lang)


def report(source, out: Union[str, os.PathLike, None] = None, baseline: Optional[str] = None, lang: str = "en",
           overwrite: bool = False) -> str:
    """Write the report of ``source`` (a kcsim file's path, or a Dataset) to ``out`` (default:
    the file's name with .html; required for a Dataset) and return its path. An existing ``out``
    is replaced only with ``overwrite=True``; the page is written to a temporary name first."""
    if out is None:
        if not isinstance(source, (str, os.PathLike)):
            raise ValueError("report(dataset): give out='FILE.html'")
        out = Path(os.fspath(source)).with_suffix(".html")
    out = Path(os.fspath(out))
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} exists; replace it with --force (overwrite=True in Python) or choose --out")
    html = render(source, baseline, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.tmp-", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes it private; a report is for sharing
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return str(out)


USAGE = """Usage: kcsim report FILE.h5 [--out FILE.html] [--baseline NAME] [--lang en|zh] [--force]

One self-contained HTML page for a kcsim run, compare, sweep, calibration or select file: summary with the headline
contrasts, fan charts, paired differences, a map of the districts, sortable tables, the ledger,
sensitivity (sweeps), targets, waves and posterior (calibrations), the ranked portfolios (select) and provenance. It needs no network to view (docs/report.md).

Options:
  --out FILE.html   where to write (default: FILE.html beside FILE.h5)
  --baseline NAME   the scenario the others are compared with (default: the file's baseline)
  --lang en|zh      the page's language (district names are always in both)
  --force           replace FILE.html if it exists
  --help            this help
"""


def main(argv=None) -> int:
    """The ``kcsim report`` command: exit 0, 1 (I/O failure) or 2 (bad input, nothing written)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("--help", "-h"):
        sys.stdout.write(USAGE)
        return 0 if args else 2
    opts = {"--out": None, "--baseline": None, "--lang": "en"}
    force, files = False, []
    i = 0
    try:
        while i < len(args):
            a = args[i]
            if a in opts:
                if i + 1 >= len(args):
                    raise ValueError(f"{a} needs a value")
                opts[a] = args[i + 1]
                i += 2
                continue
            if a == "--force":
                force = True
            elif a.startswith("--"):
                raise ValueError(f"unknown option {a!r} for kcsim report (see kcsim report --help)")
            else:
                files.append(a)
            i += 1
        if len(files) != 1:
            raise ValueError("kcsim report takes one FILE.h5" + (f", got {len(files)}" if files else ""))
        path = report(files[0], opts["--out"], opts["--baseline"], opts["--lang"], overwrite=force)
    except (ValueError, FileExistsError) as e:
        sys.stderr.write(f"kcsim: error: {e}\n")
        return 2
    except OSError as e:
        sys.stderr.write(f"kcsim: error: {e}\n")
        return 1
    print(path)
    return 0
