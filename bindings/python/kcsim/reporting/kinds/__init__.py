"""One module per kind of kcsim file. A kind module has ``KIND`` (its name), ``matches(h5)``
(is this open h5py file of my kind?), ``matches_dataset(ds)`` and ``build(ds, ctx)`` returning
a ``common.Built``; a kind whose files have no Dataset form (calibration) also has ``load(h5)``.
A file may name its kind in the root attribute ``kind``; otherwise the kinds
are asked in the order of ``KINDS``. A new kind of file is one more module listed here."""

from __future__ import annotations

from . import calibration, compare, run, selection, sweep

KINDS = [selection, calibration, compare, sweep, run]  # most specific first: a compare file also holds scenario groups


def by_name(name: str):
    for k in KINDS:
        if k.KIND == name:
            return k
    return None


def of_file(h5):
    declared = h5.attrs.get("kind")
    if declared is not None:
        k = by_name(declared.decode() if isinstance(declared, bytes) else str(declared))
        if k is not None:
            return k
    for k in KINDS:
        if k.matches(h5):
            return k
    return None


def of_dataset(ds):
    for k in KINDS:
        if k.matches_dataset(ds):
            return k
    return None
