"""The book's page policy lives in nnbook: its limit, and the budget its explorers share."""

from __future__ import annotations

from nncore_fixtures import raises_with

from nnbook.page import PAGE_BYTES, page_budget
from nncore.widgets import PageBudget


def test_the_book_allows_a_page_one_and_a_half_megabytes_and_nncore_sets_no_limit():
    assert PAGE_BYTES == 1_500_000
    assert isinstance(page_budget, PageBudget) and page_budget.limit == PAGE_BYTES
    assert PageBudget().limit is None  # the library takes the limit as a parameter


def test_the_page_budget_refuses_what_would_outgrow_the_page():
    page = PageBudget(PAGE_BYTES)
    page.charge("first", PAGE_BYTES - 100)
    with raises_with(ValueError, "Explorer 'second'", "'first'", "1.50 MB", "Lower dpi"):
        page.charge("second", 200)
