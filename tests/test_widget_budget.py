"""Every page of the built book stays within the budget for precomputed widget images."""

from __future__ import annotations

import re

BUDGET_BYTES = 3_000_000  # the widget state embedded in one page: images base64-encoded
STATE = re.compile(
    r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S
)


def test_widget_state_of_each_page_fits_the_budget(built_book, toc_notebook):
    docname = toc_notebook
    html = built_book.page(docname).read_text(encoding="utf-8")
    size = sum(len(m.encode("utf-8")) for m in STATE.findall(html))
    assert size <= BUDGET_BYTES, (
        f"{docname}: {size / 1e6:.2f} MB of widget state, over the {BUDGET_BYTES / 1e6:.0f} MB "
        f"budget. Shrink the explorer's grid or its dpi."
    )
