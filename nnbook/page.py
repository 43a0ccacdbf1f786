"""The book's policy for its pages: how much an HTML page may weigh, and the budget that holds it.

nncore's explorers take a :class:`~nncore.widgets.PageBudget` as a parameter and set no
limit of their own; the book sets its limit here. Each chapter runs in a kernel of its own
(one notebook, one page), so one budget per kernel is one budget per page: the book's
explorers charge :data:`page_budget`, and a page whose pictures would outgrow
:data:`PAGE_BYTES` is refused while the notebook runs, naming the explorer and what the
page's other explorers use.
"""

from __future__ import annotations

from nncore.widgets import PageBudget

__all__ = ["PAGE_BYTES", "page_budget"]

#: What the book allows one page to embed as widget state, in bytes (JSON with base64
#: images): with the page's HTML and images, a page stays within about 1.5 MB.
PAGE_BYTES = 1_500_000

#: The budget the book's explorers on this page (this kernel) share.
page_budget = PageBudget(PAGE_BYTES)
