from __future__ import annotations

from pathlib import Path

# The browser and page fixtures are in tests/conftest.py (one Playwright for every app).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def screenshot(page, name: str) -> None:
    """Keep a picture of what a person sees, for review (test-artifacts/ is not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
