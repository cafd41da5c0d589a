"""Without ``--timezone``, device-local times take this machine's zone exactly as
``datetime.astimezone()`` gives it, though the reader asks the system once per day
(:class:`~excerpta.readers.kindle.dates.MachineZoneDays`): on days the clocks change too. A time
the clocks skipped, which ``astimezone`` moves, reads as with ``--timezone`` naming that zone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from kindle_reading import read_text

from excerpta.readers.kindle.dates import MachineZoneDays


@pytest.fixture
def machine_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield
    monkeypatch.delenv("TZ", raising=False)
    time.tzset()


def _use_zone(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("TZ", name)
    time.tzset()


@pytest.mark.parametrize(("zone", "days"), [
    ("Europe/Berlin", [datetime(2023, 3, 26), datetime(2023, 10, 29), datetime(1916, 4, 30)]),
    ("Australia/Lord_Howe", [datetime(2023, 4, 2), datetime(2023, 10, 1)]),  # 30-minute changes
    ("America/Sao_Paulo", [datetime(2018, 11, 4), datetime(2019, 2, 16)]),  # changes at midnight
])
def test_each_time_of_the_days_around_a_clock_change_is_what_astimezone_gives(
        monkeypatch, machine_zone, zone, days):
    _use_zone(monkeypatch, zone)
    by_day = MachineZoneDays()
    for day in days:
        moment = day - timedelta(days=1)
        while moment < day + timedelta(days=2):
            expected = moment.astimezone()
            found = by_day.on(moment.year, moment.month, moment.day)
            if found is not None:
                got = moment.replace(tzinfo=found)
                assert (got, got.isoformat(), got.tzname()) == (
                    expected, expected.isoformat(), expected.tzname()), moment
            moment += timedelta(minutes=13, seconds=7)
    assert by_day.on(2023, 7, 1) is not None  # an ordinary day: asked once


def test_the_reader_dates_records_on_a_clock_change_day_in_the_machines_zone(
        monkeypatch, machine_zone, tmp_path):
    _use_zone(monkeypatch, "Europe/Berlin")
    times = ["March 25, 2023 11:00:00 PM", "March 26, 2023 1:30:00 AM", "March 26, 2023 2:30:00 AM",
             "March 26, 2023 3:30:00 AM", "March 27, 2023 9:00:00 AM"]
    text = "".join(
        f"Walden (Thoreau, Henry David)\n- Your Highlight on page 1 | Location {10 * n}-{10 * n + 2} | "
        f"Added on Sunday, {when}\n\nPassage {n}.\n==========\n" for n, when in enumerate(times))
    dates = [h.highlighted_at for h in read_text(tmp_path, text, timezone=None).highlights()]
    assert [d.isoformat() for d in dates[:2] + dates[3:]] == [
        "2023-03-25T23:00:00+01:00", "2023-03-26T01:30:00+01:00", "2023-03-26T03:30:00+02:00",
        "2023-03-27T09:00:00+02:00"]
    # A time the clocks skipped: the offset before they went forward, as with --timezone.
    assert dates[2].isoformat() == "2023-03-26T02:30:00+01:00"
    named = read_text(tmp_path, text, timezone="Europe/Berlin").highlights()
    assert [d.isoformat() for d in dates] == [h.highlighted_at.isoformat() for h in named]


@pytest.mark.parametrize(("zone", "gap"), [
    ("Europe/Berlin", datetime(1916, 4, 30, 23)),  # 23:00-24:00 skipped
    ("Australia/Lord_Howe", datetime(2023, 10, 1, 2)),  # 02:00-02:30 skipped
    ("America/Sao_Paulo", datetime(2018, 11, 4)),  # midnight-01:00 skipped
])
def test_a_time_the_clocks_skipped_is_one_instant_with_or_without_the_zone_named(
        monkeypatch, machine_zone, tmp_path, zone, gap):
    _use_zone(monkeypatch, zone)
    times = [gap - timedelta(minutes=1), gap + timedelta(minutes=17), gap + timedelta(hours=2)]
    text = "".join(
        f"Walden (Thoreau, Henry David)\n- Your Highlight on Location {10 * n}-{10 * n + 2} | Added on "
        f"{when:%A, %B %d, %Y %I:%M:%S %p}\n\nPassage {n}.\n==========\n" for n, when in enumerate(times))
    machine = read_text(tmp_path, text, timezone=None).highlights()
    named = read_text(tmp_path, text, timezone=zone).highlights()
    assert [h.highlighted_at.isoformat() for h in machine] == [h.highlighted_at.isoformat() for h in named]
    assert machine[1].highlighted_at.replace(tzinfo=None) == times[1]  # the wall time as written
