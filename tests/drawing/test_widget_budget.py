"""Every page of the built book stays within the budget of embedded widget state.

The limit is the book's (nnbook.page), the unit that of nncore.widgets.PageBudget: the bytes
of the widget state the page embeds, images base64-encoded. Explorers check it while they
are built; this test measures what the built page really carries.
"""

from __future__ import annotations

import re

from nnbook.page import PAGE_BYTES as BUDGET_BYTES

STATE = re.compile(
    r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S
)


def test_widget_state_of_each_page_fits_the_budget(built_book, toc_notebook):
    docname = toc_notebook
    html = built_book.page(docname).read_text(encoding="utf-8")
    size = sum(len(m.encode("utf-8")) for m in STATE.findall(html))
    assert size <= BUDGET_BYTES, (
        f"{docname}: {size / 1e6:.2f} MB of widget state, over the {BUDGET_BYTES / 1e6:.1f} MB "
        f"budget. Split an explorer's figure into layers, or shrink its grid or dpi."
    )
