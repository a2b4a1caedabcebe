"""kcsim: agent-based scenario planning for the Sci-Tech China programme in Chongqing.

The compiled core lives in ``kcsim._core``; this package re-exports it and adds what is
natural in Python (xarray results, plots) as later releases grow.
"""

from ._core import __version__, git_commit, schema_version

__all__ = ["__version__", "git_commit", "schema_version"]
