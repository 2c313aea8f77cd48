from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from egov.dossiers.models import Dossier, DossierPause, DossierRating
from egov.stats import selectors
from egov.stats.models import DossierFact
from egov.stats.services import queue_drain, stats_rebuild
from egov.stats.synthetic import generate


def shape():
    return list(Dossier.objects.order_by("pk").values_list("state", "channel", "submitted_at"))


def test_generated_history_is_realistic_deterministic_and_consistent(desk):
    made = generate(count=800, years=2, seed=7)
    assert made.dossiers == Dossier.objects.count() == 800
    states = set(Dossier.objects.values_list("state", flat=True))
    assert {"result_returned", "refused", "in_progress"} <= states
    assert made.pauses == DossierPause.objects.count() > 0
    assert made.ratings == DossierRating.objects.count() > 0
    first = shape()
    Dossier.objects.all().delete()
    generate(count=800, years=2, seed=7)
    assert shape() == first  # same seed, same dossiers
    # The rebuild builds the figures; then it agrees with itself and with the facts.
    report = stats_rebuild(fix=True)
    assert report.facts_missing == 800 and stats_rebuild().clean
    assert DossierFact.objects.count() == 800
    figures = selectors.public_indicators(period=selectors.period_parse("2024-01", "2026-12"))
    assert figures.counts["received"] > 0 and figures.resolved > 0
    assert queue_drain().attempted == 0


def test_command_checks_its_arguments(db):
    with pytest.raises(CommandError):
        call_command("stats_generate", "--dossiers", "0", stdout=StringIO())
    with pytest.raises(CommandError, match="catalog"):
        call_command("stats_generate", "--dossiers", "5", "--no-progress", stdout=StringIO())


def test_command_progress_bars_show_their_totals(desk, capsys):
    generate(count=40, years=1, seed=3)  # dossiers already there: the rebuild covers them too
    call_command("stats_generate", "--dossiers", "25", "--years", "1", stdout=StringIO())
    bars = capsys.readouterr().err.replace("\r", "\n").splitlines()
    generate_bar = [line for line in bars if line.startswith("generate:")][-1]
    rebuild_bar = [line for line in bars if line.startswith("rebuild:")][-1]
    assert "100%" in generate_bar and "| 25/25 [" in generate_bar
    assert "100%" in rebuild_bar and "| 65/65 [" in rebuild_bar
