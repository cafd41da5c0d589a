"""A highlight's colour from its swatch image, where its passage has no background colour."""

from __future__ import annotations

import pytest
from play_books_docs import BLUE, Row, notes_of, web_page, web_page_zip, word_file
from play_books_pngs import PNG, png, swatch_png
from play_books_reading import read_file

from excerpta.readers.play_books.swatches import MAX_PIXELS, swatch_colour

PINK = (244, 143, 177)


def test_a_swatch_is_the_colour_of_its_block_not_of_its_rim_or_transparency():
    assert swatch_colour(swatch_png(PINK)) == "f48fb1"
    assert swatch_colour(swatch_png((0x93, 0xE3, 0xED))) == "93e3ed"


def test_palette_and_low_depth_pngs_are_decoded():
    palette = bytes([255, 255, 255, 0xFD, 0xE0, 0x96])  # white, and Play Books' yellow
    rows = [[(1,), (1,), (0,)] for _ in range(4)]
    assert swatch_colour(png(rows, colour_type=3, palette=palette, depth=2)) == "fde096"
    assert swatch_colour(png([[(0xC5, 0xE1, 0xA5)] * 3] * 2, colour_type=2)) == "c5e1a5"


@pytest.mark.parametrize("data", [
    b"", PNG, b"GIF89a" + bytes(20), swatch_png(PINK)[:60],
    png([[(128, 128, 128, 255)] * 4] * 4),  # a grey: no hue to name
    png([[(255, 0, 0, 0)] * 4] * 4),  # transparent
])
def test_what_is_no_readable_coloured_png_gives_no_colour(data):
    assert swatch_colour(data) is None


def test_an_image_past_the_bound_is_not_decoded():
    side = int(MAX_PIXELS ** 0.5) + 1
    assert swatch_colour(png([[(255, 0, 0)] * side] * side, colour_type=2)) is None


NOTES = notes_of(("Economy", [Row("Pink by its swatch.", page="3", colour=None, swatch=swatch_png(PINK)),
                              Row("Blue by its passage.", page="4", colour=BLUE, swatch=swatch_png(PINK)),
                              Row("No colour at all.", page="5", colour=None)]))


@pytest.mark.parametrize("word", [True, False])
def test_a_passage_without_a_background_takes_its_swatchs_colour(tmp_path, word):
    path = word_file(tmp_path / "a.docx", NOTES) if word else web_page_zip(tmp_path / "a.zip", NOTES)
    pink, blue, plain = read_file(path).document.highlights
    assert (pink.color, blue.color, plain.color) == ("pink", "blue", None)


def test_a_page_alone_reads_no_image_beside_it(tmp_path):
    page = tmp_path / "NotesfromWalden.html"
    page.write_text(web_page(NOTES), encoding="utf-8")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "image2.png").write_bytes(swatch_png(PINK))
    assert read_file(page).document.highlights[0].color is None
