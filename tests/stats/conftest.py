from __future__ import annotations

from tests.dossiers.conftest import desk  # noqa: F401 (the fixture: a center, a 15-day permit)
