"""Play Books notes documents for the tests, written in the structure of real downloads.

The structure is the one real documents and public parsers show (see the reader's package
docstring): a header table (cover image | title heading, author, publisher), the banner table,
sections under first-level headings, chapter (or colour) headings, and each annotation a
one-cell table wrapping a row of three cells: a swatch image, the passage on its colour with
the note and the day below it (blank paragraphs between), and the page as a link into Play
Books. The text is the tests' own (public-domain quotes), never a real user's document.

Three spellings of one document: the Web page download (styles named in a ``<style>``
element, images in ``images/``, links through Google's redirect, no ``tbody``: :func:`web_page`),
the export Drive's API gives (inline styles, ``tbody``: :func:`api_page`), and the Word download
(``word/document.xml`` with its relationships and styles: :func:`word_file`).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import quote

from play_books_pngs import PNG

YELLOW, GREEN, BLUE, RED = "fde096", "c5e1a5", "93e3ed", "ffb8a1"
BANNER = ("This document is overwritten when you make changes in Play Books.",
          "You should make a copy of this document before you edit it.")
VOLUME = "hzYKAAAAYAAJ"  # a made-up Play Books id


@dataclass
class Row:
    """One annotation as the document shows it."""

    text: str
    day: str = "May 5, 2021"
    page: str = "12"
    note: str | None = None
    colour: str | None = YELLOW
    pg: str | None = None  # the link's pg (GBS.PA<page>); None: no link
    swatch: bytes | None = None  # the swatch image (a PNG); None: a placeholder


@dataclass
class Notes:
    """A whole notes document: header and sections of (heading, rows) groups."""

    title: str = "Walden"
    author: str = "Henry David Thoreau"
    publisher: str | None = "Ticknor and Fields"
    sections: list[tuple[str, list[tuple[str, list[Row]]]]] = field(default_factory=list)
    banner: tuple[str, ...] = BANNER
    volume: str = VOLUME


def notes_of(*groups: tuple[str, list[Row]], section: str = "2 notes/highlights", **header: str) -> Notes:
    """A document of one section (a 2020 document's) holding ``groups`` (heading, rows)."""
    return Notes(sections=[(section, list(groups))], **header)  # type: ignore[arg-type]


def link_target(row: Row, volume: str) -> str:
    """The reader's URL a row's page links to."""
    return (f"http://play.google.com/books/reader?printsec=frontcover&output=reader&id={volume}"
            f"&source=books-notes-export&pg={row.pg}")


# ---------------------------------------------------------------- Web page (style classes)

_CLASSES = {YELLOW: "c21", GREEN: "c22", BLUE: "c23", RED: "c24"}
_STYLE = ('@import url(https://themes.googleusercontent.com/fonts/css?kit=abc);'
          'ol{margin:0;padding:0}table td,table th{padding:0}'
          '.c1{border-right-style:solid;padding:7.5pt 7.5pt 7.5pt 7.5pt;vertical-align:top;width:120pt}'
          '.c2{color:#424242;font-weight:400;font-size:12pt;font-family:"Roboto";font-style:normal}'
          '.c3{padding-top:0pt;padding-bottom:0pt;line-height:1.0;text-align:left}'
          '.c4{color:#757575;font-weight:400;font-size:11pt;font-family:"Roboto"}'
          '.c5{color:#1565c0;text-decoration:underline}.c6{color:inherit;text-decoration:inherit}'
          '.c7{color:#000000;font-weight:400;font-size:21pt;font-family:"Arial";font-style:italic}'
          '.c8{color:#d32f2f;font-size:11pt;font-family:"Roboto"}'
          '.c9{background-color:#ffffff;max-width:468pt;padding:72pt 72pt 72pt 72pt}'
          + "".join(f".{name}{{background-color:#{colour};color:#000000;font-size:13pt;font-style:italic}}"
                    for colour, name in _CLASSES.items()))


def _web_row(row: Row, volume: str, image: int) -> str:
    span = f'<span class="{_CLASSES.get(row.colour or "", "c7")}">'
    body = [f'<p class="c3">{span}{escape(line)}</span></p>' for line in row.text.split("\n")]
    body.append(f'<p class="c3">{span}</span></p>')
    if row.note is not None:
        body += [f'<p class="c3"><span class="c2">{escape(row.note)}</span></p>',
                 '<p class="c3"><span class="c2"></span></p>']
    body.append(f'<p class="c3"><span class="c4">{escape(row.day)}</span></p>')
    page = escape(row.page)
    if row.pg is not None:
        redirect = (f"https://www.google.com/url?q={quote(link_target(row, volume), safe=':/?')}"
                    "&amp;sa=D&amp;source=editors&amp;ust=1613063197194000&amp;usg=AOvVaw2HjX3")
        page = f'<span class="c5"><a class="c6" href="{redirect}">{page}</a></span>'
    return (f'<a id="t.{image}"></a><table class="c10"><tr class="c11">'
            '<td class="c1" colspan="1" rowspan="1">'
            f'<p class="c3"><span class="c2"></span></p><table class="c10"><tr class="c11">'
            f'<td class="c1" colspan="1" rowspan="1"><p class="c3"><span style="overflow: hidden; display: '
            f'inline-block; width: 32.00px; height: 24.00px;"><img alt="" src="images/image{image}.png" '
            f'style="width: 32.00px; height: 24.00px;" title=""></span></p></td>'
            f'<td class="c1" colspan="1" rowspan="1">{"".join(body)}</td>'
            f'<td class="c1" colspan="1" rowspan="1"><p class="c3">{page}</p></td></tr></table>'
            f'<p class="c3"><span class="c5"></span></p></td></tr></table>')


def web_page(notes: Notes) -> str:
    """The Web page download's HTML of ``notes``."""
    parts = [f'<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">'
             f'<style type="text/css">{_STYLE}</style></head><body class="c9 doc-content">'
             '<p class="c3"><span class="c2"></span></p><a id="t.0"></a><table class="c10"><tr class="c11">'
             '<td class="c1" colspan="1" rowspan="1"><p class="c3"><span><img alt="Cover Image" '
             'src="images/image1.png" title=""></span></p></td><td class="c1" colspan="1" rowspan="1">'
             f'<h1 class="c3" id="h.a1"><span class="c7">{escape(notes.title)}</span></h1>'
             f'<p class="c3"><span class="c2">{escape(notes.author)}</span></p>']
    if notes.publisher is not None:
        parts.append(f'<p class="c3"><span class="c2">{escape(notes.publisher)}</span></p>')
    parts.append('</td></tr></table><p class="c3"><span class="c2"></span></p><table class="c10"><tr>'
                 '<td class="c1" colspan="1" rowspan="1">'
                 + "".join(f'<p class="c3"><span class="c8">{escape(line)}</span></p>'
                           for line in notes.banner)
                 + '</td></tr></table>')
    image = 2
    for section, groups in notes.sections:
        parts.append(f'<h1 class="c3" id="h.s{image}"><span class="c7">{escape(section)}</span></h1>'
                     '<p class="c3"><span class="c4">Created by A. Reader </span><span class="c4">'
                     '&nbsp;&ndash; Last synced May 9, 2021</span></p>')
        for heading, rows in groups:
            parts.append(f'<h2 class="c3" id="h.g{image}"><span class="c7">{escape(heading)}</span></h2>')
            for row in rows:
                parts.append(_web_row(row, notes.volume, image))
                image += 1
    parts.append("</body></html>")
    return "".join(parts)


def write_zip(path: Path, members: dict[str, str | bytes]) -> Path:
    """A zip archive of ``members`` (name -> content) at ``path``, the same bytes every time."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2021, 5, 9, 12, 0, 0)), content,
                             zipfile.ZIP_DEFLATED)
    return path




def web_page_zip(path: Path, notes: Notes, *, name: str = "NotesfromWalden.html") -> Path:
    """The Web page download (``.html, zipped``) of ``notes`` written to ``path``: the page and
    its images (``image1.png`` the cover, then one per row, as :func:`web_page` names them)."""
    rows = [row for _, groups in notes.sections for _, group in groups for row in group]
    images = {f"images/image{number}.png": row.swatch or PNG for number, row in enumerate(rows, start=2)}
    return write_zip(path, {name: web_page(notes), "images/image1.png": PNG, **images})


# ---------------------------------------------------------------- Drive API export (inline)

def _inline(style: str) -> str:
    return f' style="{style}"'


def api_page(notes: Notes) -> str:
    """The HTML Drive's API exports for ``notes``: every style inline, ``tbody`` in tables."""
    text = "color:#000000;font-weight:400;font-size:13pt;font-style:italic"
    parts = ['<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type"><style '
             'type="text/css"> @import url(https://themes.googleusercontent.com/fonts/css?kit=x);</style></head>'
             '<body style="background-color:#ffffff;padding:72pt 72pt 72pt 72pt;max-width:468pt">'
             '<table style="border-spacing:0"><tbody><tr style="height:0pt"><td colspan="1" rowspan="1">'
             '<p><img alt="Cover Image" src="https://lh5.googleusercontent.com/cover"></p></td>'
             f'<td colspan="1" rowspan="1"><h1><span{_inline(text)}>{escape(notes.title)}</span></h1>'
             f'<p><span style="color:#424242">{escape(notes.author)}</span></p></td></tr></tbody></table>'
             '<table><tbody><tr><td colspan="1" rowspan="1">'
             + "".join(f'<p><span style="color:#d32f2f">{escape(line)}</span></p>' for line in notes.banner)
             + '</td></tr></tbody></table>']
    for section, groups in notes.sections:
        parts.append(f"<h1><span{_inline(text)}>{escape(section)}</span></h1>")
        for heading, rows in groups:
            parts.append(f"<h2><span{_inline(text)}>{escape(heading)}</span></h2>")
            for row in rows:
                fill = f"background-color:#{row.colour};{text}" if row.colour else text
                body = (f'<p><span style="{fill}">{escape(row.text)}</span></p>'
                        f'<p><span style="{fill}"></span></p>')
                if row.note is not None:
                    body += f'<p><span style="color:#424242">{escape(row.note)}</span></p><p></p>'
                body += f'<p><span style="color:#757575">{escape(row.day)}</span></p>'
                page = escape(row.page)
                if row.pg is not None:
                    page = f'<a href="{escape(link_target(row, notes.volume))}">{page}</a>'
                parts.append('<table><tbody><tr><td colspan="1" rowspan="1"><p></p><table><tbody><tr>'
                             '<td colspan="1" rowspan="1"><p><img alt="" src="https://lh6.googleusercontent.com/s">'
                             f'</p></td><td colspan="1" rowspan="1">{body}</td><td colspan="1" rowspan="1">'
                             f'<p><span style="color:#1565c0">{page}</span></p></td></tr></tbody></table>'
                             '</td></tr></tbody></table>')
    parts.append("</body></html>")
    return "".join(parts)


# ---------------------------------------------------------------- Word download

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _run(text: str, fill: str | None = None, extra: str = "") -> str:
    shade = f'<w:shd w:fill="{fill.upper()}" w:val="clear"/>' if fill else ""
    return (f'<w:r><w:rPr><w:rFonts w:ascii="Arial"/>{extra}{shade}<w:sz w:val="26"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(text, quote=False)}</w:t></w:r>')


def _paragraph(*runs: str, style: str | None = None) -> str:
    properties = (f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style
                  else '<w:pPr><w:spacing w:after="0"/></w:pPr>')
    return f"<w:p>{properties}{''.join(runs)}</w:p>"


def _table(*cells: str) -> str:
    return ('<w:tbl><w:tblPr><w:tblW w:w="9360" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/></w:tblPr>'
            '<w:tblGrid><w:gridCol w:w="1080"/></w:tblGrid><w:tr>'
            + "".join(f'<w:tc><w:tcPr><w:tcW w:w="1080" w:type="dxa"/></w:tcPr>{cell}</w:tc>'
                      for cell in cells)
            + "</w:tr></w:tbl>")


_IMAGE = ('<w:r><w:drawing><wp:inline '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessing">'
          '<wp:extent cx="406400" cy="304800"/><wp:docPr id="1" name="image1.png"/></wp:inline>'
          '</w:drawing></w:r>')


def _picture(rid: str) -> str:
    return ('<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
            'wordprocessing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>'
            '</wp:inline></w:drawing></w:r>')


def word_document(notes: Notes) -> tuple[str, dict[str, str]]:
    """``word/document.xml`` of ``notes``, and its relationships (id -> target): hyperlinks,
    and each row's swatch picture (``media/swatch<n>.png``, where the row has one)."""
    links: dict[str, str] = {}
    header = _table(_paragraph(_IMAGE),
                    _paragraph(_run(notes.title, extra="<w:i/>"), style="Heading1")
                    + _paragraph(_run(notes.author, extra='<w:color w:val="424242"/>'))
                    + (_paragraph(_run(notes.publisher)) if notes.publisher is not None else ""))
    body = [header, _paragraph(), _table("".join(_paragraph(_run(line)) for line in notes.banner))]
    for section, groups in notes.sections:
        body.append(_paragraph(_run(section), style="Heading1"))
        body.append(_paragraph(_run("Created by A. Reader – Last synced May 9, 2021")))
        for heading, rows in groups:
            body.append(_paragraph(_run(heading), style="Heading2"))
            for row in rows:
                middle = "".join(_paragraph(_run(line, row.colour)) for line in row.text.split("\n"))
                middle += _paragraph()
                if row.note is not None:
                    middle += _paragraph(_run(row.note, extra='<w:color w:val="424242"/>')) + _paragraph()
                middle += _paragraph(_run(row.day, extra='<w:color w:val="757575"/>'))
                page = _run(row.page, extra='<w:color w:val="1565C0"/><w:u w:val="single"/>')
                if row.pg is not None:
                    rid = f"rId{len(links) + 10}"
                    links[rid] = link_target(row, notes.volume)
                    page = f'<w:hyperlink r:id="{rid}">{page}</w:hyperlink>'
                swatch = _IMAGE
                if row.swatch is not None:
                    rid = f"rId{len(links) + 10}"
                    links[rid] = f"media/swatch{rid}.png"
                    swatch = _picture(rid)
                body.append(_table(_paragraph() + _table(_paragraph(swatch), middle, _paragraph(page))))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{_W}" '
           f'xmlns:r="{_R}"><w:body>{"".join(body)}<w:sectPr/></w:body></w:document>')
    return xml, links


_STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{_W}">'
           '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="normal"/></w:style>'
           '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr>'
           '<w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading2">'
           '<w:name w:val="heading 2"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style></w:styles>')


def word_file(path: Path, notes: Notes, *, document: str | None = None) -> Path:
    """The Word download (``.docx``) of ``notes`` written to ``path`` (``document``: another
    ``word/document.xml`` instead of the one of ``notes``)."""
    xml, links = word_document(notes)
    swatches = [row.swatch for _, groups in notes.sections for _, group in groups for row in group
                if row.swatch is not None]
    media = {f"word/{target}": data for target, data in zip(
        [target for target in links.values() if target.startswith("media/")], swatches, strict=True)}
    relationships = "".join(
        f'<Relationship Id="{rid}" Type="{_R}/hyperlink" Target="{escape(target)}" TargetMode="External"/>'
        for rid, target in links.items())
    return write_zip(path, {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns='
                               '"http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": document if document is not None else xml,
        "word/styles.xml": _STYLES,
        "word/_rels/document.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
                                        '"http://schemas.openxmlformats.org/package/2006/relationships">'
                                        f"{relationships}</Relationships>",
        "word/media/image1.png": PNG,
        **media,
    })


# ---------------------------------------------------------------- the examples/ files

WOODS = ("I went to the woods because I wished to live deliberately, to front only the essential "
         "facts of life, and see if I could not learn what it had to teach, and not, when I came "
         "to die, discover that I had not lived.")
DESPERATION = "The mass of men lead lives of quiet desperation."
SIMPLIFY = ("Our life is frittered away by detail. An honest man has hardly need to count more than "
            "his ten fingers.")
CHAIRS = "I had three chairs in my house; one for solitude, two for friendship, three for society."
_WALDEN = {
    "despair": Row(DESPERATION, day="March 2, 2022", page="8", pg="GBS.PA8.w.0.0.0.3"),
    "woods": Row(WOODS, day="March 3, 2022", page="90", note="Why I keep reading this book.",
                 colour=GREEN, pg="GBS.PA90"),
    "detail": Row(SIMPLIFY, day="March 3, 2022", page="91", pg="GBS.PA91"),
    "chairs": Row(CHAIRS, day="April 11, 2022", page="141", colour=BLUE, pg="GBS.PA141"),
}
# A document of 2022: every highlight listed by colour, then by chapter.
WALDEN = Notes(sections=[
    ("Annotations by color", [("Yellow", [_WALDEN["despair"], _WALDEN["detail"]]),
                              ("Green", [_WALDEN["woods"]]), ("Blue", [_WALDEN["chairs"]])]),
    ("All your annotations", [("Economy", [_WALDEN["despair"]]),
                              ("Where I Lived, and What I Lived For", [_WALDEN["woods"], _WALDEN["detail"]]),
                              ("Visitors", [_WALDEN["chairs"]])]),
])
# A document of 2020: one section, highlights by chapter; a page numbered in roman.
MEDITATIONS = Notes(
    title="Meditations", author="Marcus Aurelius", publisher=None, volume="mEd1tAt10nS",
    sections=[("3 notes/highlights", [
        ("Introduction", [Row("The universe is transformation: life is opinion.", day="November 19, 2020",
                              page="xii", colour=RED, pg="GBS.PR12")]),
        ("The Second Book", [Row("Begin the morning by saying to thyself, I shall meet with the busy-body, "
                                 "the ungrateful, arrogant, deceitful, envious, unsocial.",
                                 day="November 20, 2020", page="14", note="Every morning.", pg="GBS.PA14")]),
        ("The Sixth Book", [Row("The best way of avenging thyself is not to become like the wrong doer.",
                                day="December 1, 2020", page="61", colour=BLUE, pg="GBS.PA61")]),
    ])])


def write_examples(folder: Path) -> tuple[Path, Path]:
    """The example files of ``examples/``: Walden's Word download and Meditations' Web page."""
    return (word_file(folder / "play_books_walden.docx", WALDEN),
            web_page_zip(folder / "play_books_meditations.zip", MEDITATIONS,
                         name="NotesfromMeditations.html"))
