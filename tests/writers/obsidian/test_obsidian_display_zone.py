"""Dates in notes are shown in one display zone (this machine's by default): the front matter's
date-times, which Obsidian reads as local time, say what the ``date`` filter says."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from excerpta.errors import ConfigError
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.writers.obsidian import ObsidianWriter
from excerpta.writers.obsidian.frontmatter import as_written, dump_properties
from excerpta.writers.obsidian.options import ObsidianOptions, machine_zone
from excerpta.writers.obsidian.variables import document_variables, highlight_variables

from .conftest import template_folder

BERLIN = ZoneInfo("Europe/Berlin")
# Made at 00:30 on March 3rd in Berlin: still March 2nd in UTC.
MIDNIGHT_READING = datetime(2024, 3, 2, 23, 30, tzinfo=UTC)


@pytest.fixture
def berlin_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This machine's zone is Europe/Berlin for the test."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _walden(moment: datetime = MIDNIGHT_READING) -> Document:
    return Document(id="d1", title="Walden", category=Category.BOOKS, highlights=[
        Highlight(id="h1", text="Midnight reading highlight.", location=10,
                  location_type=LocationType.LOCATION, highlighted_at=moment)])


def test_a_date_time_property_is_written_as_its_own_wall_clock_time_not_as_utc():
    berlin = MIDNIGHT_READING.astimezone(BERLIN)
    assert dump_properties({"highlighted": berlin}) == "---\nhighlighted: 2024-03-03T00:30:00\n---\n"
    # The Python emitter (a line break elsewhere rules libyaml out) writes the same.
    assert "\nhighlighted: 2024-03-03T00:30:00\n" in dump_properties({"t": "a\nb", "highlighted": berlin})
    assert as_written(berlin) == "2024-03-03T00:30:00"


def test_template_variables_give_dates_in_the_display_zone():
    document = _walden()
    base = document_variables(document, BERLIN)
    variables = highlight_variables(document, document.highlights[0], base, zone=BERLIN)
    assert variables["highlighted_at"] == MIDNIGHT_READING
    assert variables["highlighted_at"].utcoffset().total_seconds() == 3600
    assert (base["date"].day, base["time"]) == (3, "12:30 AM")


def test_front_matter_and_date_filter_show_the_same_local_time_on_a_berlin_machine(
        berlin_machine, tmp_path, vault, sync):
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": "- {{ highlight_text }} ({{ highlighted_at|date('Y-m-d H:i') }})"})
    sync([_walden()], atomic=True, templates=templates)
    note = (vault / "Books" / "Walden" / "Midnight reading highlight.md").read_text(encoding="utf-8")
    assert yaml.safe_load(note.split("---\n")[1])["highlighted"] == datetime(2024, 3, 3, 0, 30)
    assert "- Midnight reading highlight. (2024-03-03 00:30) ^hl-h1" in note
    assert [o.action for o in sync([_walden()], atomic=True, templates=templates).outcomes] == []


def test_the_same_instant_from_a_source_in_another_zone_is_written_alike(berlin_machine, vault, sync):
    sync([_walden()], atomic=True)
    tokyo = MIDNIGHT_READING.astimezone(ZoneInfo("Asia/Tokyo"))  # a library read elsewhere
    sink = sync([_walden(tokyo)], atomic=True)
    assert [o.action for o in sink.outcomes if o.action != "unchanged"] == []


def test_the_timezone_option_names_a_known_zone(berlin_machine):
    assert ObsidianOptions(timezone="Asia/Tokyo").display_zone() == ZoneInfo("Asia/Tokyo")
    assert ObsidianOptions().display_zone() == BERLIN  # this machine's
    with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'"):
        ObsidianWriter.from_options({"timezone": "Mars/Olympus"})


@pytest.mark.parametrize(("tz", "expected"), [
    ("Asia/Tokyo", ZoneInfo("Asia/Tokyo")), (":Europe/Berlin", BERLIN),
    ("CET-1CEST,M3.5.0,M10.5.0/3", None), ("/etc/passwd", None), ("../../etc/passwd", None),
    ("Europe", None),  # a folder of the time-zone database: an OSError inside ZoneInfo
])
def test_the_machines_zone_is_known_by_its_iana_name_or_not_at_all(monkeypatch, tz, expected):
    # None: dates are converted by astimezone(), which asks the C library, as before.
    monkeypatch.setenv("TZ", tz)
    assert machine_zone() == expected


def test_the_timezone_option_shows_dates_in_that_zone_whatever_the_machines(tmp_path, vault, sync):
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": "- {{ highlight_text }} ({{ highlighted_at|date('Y-m-d H:i') }})"})
    options = {"atomic": True, "templates": templates, "timezone": "Europe/Berlin"}
    sync([_walden()], **options)
    note = (vault / "Books" / "Walden" / "Midnight reading highlight.md").read_text(encoding="utf-8")
    assert "\nhighlighted: 2024-03-03T00:30:00\n" in note
    assert "- Midnight reading highlight. (2024-03-03 00:30) ^hl-h1" in note
    assert [o.action for o in sync([_walden()], **options).outcomes] == []


@pytest.mark.parametrize("name", ["Europe", "America/Argentina", "Mars/Olympus"])
def test_a_zone_name_that_is_no_zone_is_one_user_error_for_both_uses(name):
    # "Europe" is a folder of tzdata: ZoneInfo raised IsADirectoryError, and the run exit 74.
    from excerpta.readers.kindle.clippings import KindleClippingsReader

    for adapter in (ObsidianWriter, KindleClippingsReader):
        with pytest.raises(ConfigError, match=f"unknown time zone '{name}'"):
            adapter.from_options({"timezone": name})


def test_zones_sharing_their_abbreviations_still_render_notes_anew(monkeypatch):
    # America/Regina and Asia/Shanghai are both "CST" to the C library: the fingerprint goes by
    # the zone's IANA name, so moving from one to the other re-renders every note.
    fingerprints = set()
    for zone in ("America/Regina", "Asia/Shanghai"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        fingerprints.add(ObsidianWriter.from_options({}).fingerprint)
    assert len(fingerprints) == 2
