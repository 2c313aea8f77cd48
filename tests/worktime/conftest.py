from __future__ import annotations

import pytest

from egov.worktime import selectors


@pytest.fixture(autouse=True)
def fresh_calendar():
    """The process-wide calendar must not carry one test's exceptions into the next."""
    selectors.calendar_cache_clear()
    yield
    selectors.calendar_cache_clear()
