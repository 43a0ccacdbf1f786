"""The book does not number its figures: ``numfig`` off, after Jupyter Book turns it on.

Jupyter Book's LaTeX extension (sphinx-jupyterbook-latex) sets ``numfig = True`` for every
build at ``config-inited``, and ``_config.yml`` cannot override it. No page of this book shows
a figure or table number (equation tags are MathJax's), and with ``numfig`` on Sphinx loads
every page's saved doctree on each build to number figures, which is a fifth of a rebuild
with nothing changed. This extension turns it off again, later in the same event, so the
setting is the same at every build and the saved environment stays valid.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config


def figures_unnumbered(app: Sphinx, config: Config) -> None:
    """At ``config-inited``, after Jupyter Book's extensions: set ``numfig`` to False."""
    config.numfig = False


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", figures_unnumbered, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
