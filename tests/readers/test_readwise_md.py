"""readwise-md: notes written by the Readwise Obsidian plugin and by Readwise's Markdown export.

Expected values were written by reading the corpus notes in ../shared/corpus/readwise
(obsidian-official/ and markdown-export/); small notes for edge cases are made in tmp_path.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from readwise_md_reading import read, write_note

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import InputError
from excerpta.model import Category, Document, LocationType
from excerpta.readers.readwise_csv import ReadwiseCsvReader
from excerpta.readers.readwise_md import ReadwiseMarkdownReader
from excerpta.store import open_store

from paths import CORPUS

READWISE = CORPUS / "readwise"
OFFICIAL = READWISE / "obsidian-official"
LUCAS = OFFICIAL / "lucasheriques-brain" / "Readwise"
JIMBRIG = OFFICIAL / "jimbrig-vault" / "Readwise"
EXPORT = READWISE / "markdown-export" / "steshinss" / "Readwise"
BOOKS = LUCAS / "Books"
FIRST_SYNC = BOOKS / "Understanding Distributed Systems.v1-first-sync@56d77b7.md"
AFTER_RESYNC = BOOKS / "Understanding Distributed Systems.v2-after-resync@709e2d2.md"


def read_one(source: Path | str) -> Document:
    documents, state = read(source)
    assert state.problems == []
    [document] = documents
    return document


def test_kindle_book_note_with_default_templates():
    book = read_one(FIRST_SYNC)
    assert book.title == "Understanding Distributed Systems"
    assert book.author == "Roberto Vitillo"
    assert book.category is Category.BOOKS
    assert book.source == "kindle"
    assert book.asin == "B09YLRB7QV"
    assert book.cover_image_url == "https://m.media-amazon.com/images/I/61otEO9SSYL._SY160.jpg"
    assert book.url is None
    assert len(book.highlights) == 76
    first, last = book.highlights[0], book.highlights[-1]
    assert first.text == (
        "distributed system is a group of nodes that cooperate by exchanging messages over "
        "communication links to achieve some task. A node can generically refer to a physical "
        "machine, like a phone, or a software process, like a browser."
    )
    assert (first.location, first.location_type, first.url) == (47, LocationType.LOCATION, None)
    assert last.text.startswith("Pings and heartbeats are generally used")
    assert last.text.endswith("detecting failures just at communication time is good enough.")
    assert last.location == 737


def test_resynced_note_reads_to_the_same_document_with_the_union_of_highlights():
    before, after = read_one(FIRST_SYNC), read_one(AFTER_RESYNC)
    assert before.id == after.id
    before_ids = [h.id for h in before.highlights]
    after_ids = [h.id for h in after.highlights]
    assert after_ids[: len(before_ids)] == before_ids
    [added] = after.highlights[len(before_ids):]
    assert added.location == 742
    assert added.text.startswith("The flow of execution of a single-threaded application is simple")
    library = open_store(":memory:")
    try:
        library.merge([after, before])
        [merged] = list(library.documents())
    finally:
        library.close()
    assert len(merged.highlights) == 77


def test_reader_article_with_appended_new_highlights_section():
    article = read_one(LUCAS / "Articles" / "Stop Being a Junior.md")
    assert article.author == "kentcdodds.com"
    assert article.category is Category.ARTICLES
    assert article.url == "https://kentcdodds.com/blog/stop-being-a-junior"
    assert article.source == "reader"
    assert [h.id for h in article.highlights] == [
        "reader-01h5df44g3cpp248gcz4ede9y0",
        "reader-01h5df83har1z5jx5tr48ebcvs",
        "reader-01h5dfa82yxqtc7asfn1mret00",
        "reader-01h8b3sw3gskc9xgtcgekahr8y",
    ]
    newest = article.highlights[-1]
    assert newest.url == "https://read.readwise.io/read/01h8b3sw3gskc9xgtcgekahr8y"
    assert newest.external_ids == {"reader": "01h8b3sw3gskc9xgtcgekahr8y"}
    assert newest.text.endswith("(meetings where everyone brings a lunch and someone presents "
                                "something often held weekly).")


def test_note_sub_bullets_and_a_note_without_url():
    article = read_one(LUCAS / "Articles" / "When Systems Collide.md")
    assert article.author == "A Life Engineered"
    assert article.url is None
    assert article.cover_image_url == (
        "https://readwise-assets.s3.amazonaws.com/static/images/article2.74d541386bbf.png"
    )
    assert [h.note[:40] for h in article.highlights] == [
        "The text describes the advantages of bui",
        "The author is acknowledging that alignin",
    ]
    assert article.highlights[1].text.endswith("it is a small price to pay for a connected city.")


def test_inline_markdown_is_kept_verbatim_and_title_comes_from_full_title():
    review = read_one(LUCAS / "Articles" / "Book Review  Wardley Mapping.md")
    assert review.title == "Book Review : Wardley Mapping"
    assert review.author == "Kislay Verma"
    assert review.highlights[1].text.startswith(
        "• First, the process of **strategy is not a linear process but an iterative cycle**."
    )
    openapi = read_one(JIMBRIG / "Articles" / "How to Split a Large OpenAPI Document Into Multiple Files.md")
    texts = [h.text for h in openapi.highlights]
    assert len(texts) == 24
    assert "![](https://davidgarcia.dev/images/maroon-mango.png)" in texts
    assert texts[19].endswith(
        "the command-line tool [swagger-cli](https://github.com/APIDevTools/swagger-cli)."
    )
    assert "• `parameters/_index.yaml`\n• `schemas/_index.yaml`\n• `responses/_index.yaml`" in texts


def test_multi_author_book_and_non_english_highlight():
    mindset = read_one(BOOKS / "Mindset.md")
    assert mindset.author == "Carol Dweck and S. Duarte"
    assert mindset.asin == "B01NASOQGG"
    [highlight] = mindset.highlights
    assert highlight.text == (
        "Perdão, mas houve morte e destruição ou simplesmente uma nota baixa, uma multa e um "
        "telefonema desagradável?"
    )
    assert highlight.location == 235


def test_tweets_with_two_space_continuation_lines():
    tweets = read_one(LUCAS / "Tweets" / "Tweets From Charity Majors.md")
    assert tweets.author == "@mipsytipsy on Twitter"
    assert tweets.category is Category.TWEETS
    assert tweets.url == "https://twitter.com/mipsytipsy"
    [tweet] = tweets.highlights
    assert tweet.text == (
        "1 -- how healthy the business is\n2 -- how happy your users are\n"
        "3 -- how happy your people are\nThese are the only things that matter, and in "
        "approximately that order. Over the long run, they should reinforce each other, although "
        "in the near term they may conflict. https://t.co/nQSLPiyoKz"
    )
    assert tweet.url == "https://twitter.com/mipsytipsy/status/1693058666822303899"
    assert tweet.external_ids == {"twitter": "1693058666822303899"}


def test_custom_front_matter_vault_takes_category_from_folder_and_author_from_metadata():
    tweets = read_one(JIMBRIG / "Tweets" / "Tweets From Massimo.md")
    assert tweets.title == "Tweets From Massimo"
    assert tweets.author == "@Rainmaker1973 on Twitter"  # not the front matter's vault owner
    assert tweets.category is Category.TWEETS  # "#Type/Highlight/Tweet" is no category
    assert tweets.source == "twitter"
    assert tweets.tags == []
    assert tweets.highlights[0].text.endswith(
        "Volume 3: https://t.co/eXS03nu9fE https://t.co/DRuyjb9nTw\n"
        "![](https://pbs.twimg.com/media/FsJTf0zWIAEOcSY.jpg)"
    )
    video = read_one(JIMBRIG / "Articles" / "The Map of Mathematics.md")
    assert (video.author, video.category, video.source) == ("Domain of Science", Category.ARTICLES, "reader")
    assert video.url == "https://www.youtube.com/watch?v=OmJ-4B-mS-Y"


def test_markdown_export_layout_with_multiline_summary_and_bold_notes():
    tweet = read_one(EXPORT / "Tweets" / "🚨 BREAKING Temperatures Are Now Set to Reach Up To....md")
    assert tweet.title == "🚨 BREAKING: Temperatures Are Now Set to Reach Up To..."
    assert tweet.author == "Politics UK"
    assert tweet.category is Category.TWEETS
    assert tweet.document_note == "wa"
    assert tweet.summary == (
        "🚨 BREAKING: Temperatures are now set to reach up to 40C in the UK on Wednesday and "
        "Thursday \n\nA rare red weather warning has just been issued"
    )
    assert tweet.url == "https://x.com/PolitlcsUK/status/2068993565703696791/?rw_tt_thread=True"
    assert tweet.cover_image_url == "https://pbs.twimg.com/profile_images/1688954450675740688/t1aS9_3Y.jpg"
    [highlight] = tweet.highlights
    assert (highlight.text, highlight.note) == ("nd Thursday", "beware")
    assert highlight.id == "reader-01kvqeb5a7s8y66eghhnt7j6he"
    login = read_one(EXPORT / "Articles" / "Log in to X X.md")
    assert (login.title, login.author, login.url) == ("Log in to X / X", "X (formerly Twitter)", "https://x.com/home")


def test_markdown_export_has_the_same_texts_and_notes_as_the_csv_export_of_that_account():
    markdown, _ = read(EXPORT)
    csv_documents = list(ReadwiseCsvReader().read(
        str(READWISE / "csv-export" / "steshinss-readwise-data.2026.csv"), ReadState()))

    def texts_and_notes(documents: list[Document]) -> set[tuple[str, str | None]]:
        return {(h.text, h.note) for d in documents for h in d.highlights}

    assert texts_and_notes(markdown) == texts_and_notes(csv_documents)


def test_folder_mode_reads_every_note_and_skips_the_sync_log_silently():
    documents, state = read(OFFICIAL)
    assert state.problems == []
    assert len(documents) == 10  # 11 notes, one of them Readwise Syncs.md
    assert len({d.id for d in documents}) == 9  # the before/after pair is one document
    assert "Readwise Syncs" not in {d.title for d in documents}


def test_a_single_file_that_is_not_a_readwise_note_is_an_input_error():
    with pytest.raises(InputError, match=r"Readwise Syncs\.md: not a Readwise note"):
        read(JIMBRIG / "Readwise Syncs.md")


def test_a_folder_without_readwise_notes_is_an_input_error_as_for_the_other_folder_readers(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"empty: no Readwise notes in this folder"):
        read(tmp_path / "empty")
    write_note(tmp_path / "mine" / "Ideas.md", "# Ideas\n- not from Readwise\n")
    with pytest.raises(InputError, match=r"mine: no Readwise notes in this folder"):
        read(tmp_path / "mine")


def test_unquoted_wikilinks_in_front_matter_are_turned_back_into_text(tmp_path):
    note = write_note(tmp_path / "Readwise" / "Articles" / "La Hipótesis.md", (
        "---\n"
        "author: [[Antonio Ortiz]]\n"
        'title: "La Hipótesis Del Escalado"\n'
        "date: 2024-11-18\n"
        "tags:\n  - articles\n  - literature-note\n"
        "---\n"
        "![rw-book-cover](https://substackcdn.com/cover.png)\n\n"
        "## Metadata\n"
        "- URL: https://www.error500.net/p/la-hipotesis\n\n"
        "## Highlights\n"
        "- Se trata de escalar. ([View Highlight](https://read.readwise.io/read/01jd0ecznyjxyacpcf18m98091))\n"
    ))
    document = read_one(note)
    assert document.author == "Antonio Ortiz"
    assert document.title == "La Hipótesis Del Escalado"
    assert document.category is Category.ARTICLES
    assert document.tags == []
    assert document.cover_image_url == "https://substackcdn.com/cover.png"
    assert document.highlights[0].id == "reader-01jd0ecznyjxyacpcf18m98091"


# Readwise writes a space after every [[tag]] of its tag loops, hence the trailing spaces.
LOCATION_NOTE = "\n".join([
    '# A Podcast',
    '',
    '## Metadata',
    '- Author: [[Some Host]] and [[Another Host|A. Host]]',
    '- Full Title: A Podcast',
    '- Category: #podcasts',
    '- Document Tags: [[ai]] [[long reads]] ',
    '',
    '## Highlights',
    '- Clip one. ([Time 0:01:41](https://share.snipd.com/snip/0b2c))',
    '    - Tags: [[favorite]] [[h1]] ',
    '- On a page. ([Page 12](https://example.com/doc#p12))',
    '- Opened in Readwise. ([View Highlight](https://readwise.io/open/700000003))',
    '    - Note: first line',
    '      second line',
    '- A Kindle location without a link (Location 1234)',
    '- Ends with a link of its own ([the paper](https://example.com/paper))',
    '- First paragraph',
    '  continued',
    '',
])


def test_every_location_label_and_tag_sub_bullet(tmp_path):
    podcast = read_one(write_note(tmp_path / "A Podcast.md", LOCATION_NOTE))
    assert podcast.category is Category.PODCASTS
    assert podcast.author == "Some Host and Another Host"
    assert podcast.tags == ["ai", "long reads"]
    clip, page, opened, kindle, own_link, paragraphs = podcast.highlights
    assert (clip.text, clip.location, clip.location_type) == ("Clip one.", 101, LocationType.TIME_OFFSET)
    assert clip.url == "https://share.snipd.com/snip/0b2c"
    assert clip.tags == ["favorite", "h1"]
    assert clip.is_favorite
    assert (page.location, page.location_type, page.url) == (12, LocationType.PAGE, "https://example.com/doc#p12")
    assert opened.id == "readwise-700000003"
    assert opened.external_ids == {"readwise": "700000003"}
    assert opened.note == "first line\nsecond line"
    assert (kindle.text, kindle.location) == ("A Kindle location without a link", 1234)
    assert own_link.text == "Ends with a link of its own ([the paper](https://example.com/paper))"
    assert own_link.location is None
    assert paragraphs.text == "First paragraph\ncontinued"


def test_broken_front_matter_is_reported_and_the_note_read_from_its_body(tmp_path):
    body = "## Metadata\n- Author: [[A]]\n\n## Highlights\n- Text ([Location 5](https://readwise.io/to_kindle?asin=X&location=5))\n"
    write_note(tmp_path / "Books" / "Good.md", "# Good\n" + body)
    broken = write_note(tmp_path / "Books" / "Broken.md", "---\ntitle: [unclosed\nauthor: x\n---\n" + body)
    write_note(tmp_path / "My own note.md", "# Ideas\n- not from Readwise\n")
    documents, state = read(tmp_path)
    assert [d.title for d in documents] == ["Broken", "Good"]  # read from its body, titled by its name
    [problem] = state.problems
    assert (problem.source, problem.kept) == (str(broken), True)
    assert problem.reason.startswith("broken YAML front matter")
    [document], state = read(broken)
    assert [h.text for h in document.highlights] == ["Text"]
    assert "\n" not in str(state.problems[0])


def test_the_users_text_below_the_metadata_list_is_no_part_of_a_value_and_keeps_the_id(tmp_path):
    metadata = ("# Some Article\n\n## Metadata\n- Author: [[Bob]]\n- Full Title: Some Article\n"
                "- Category: #articles\n- URL: https://example.com/article\n")
    highlights = ("\n## Highlights\n"
                  "- A highlight ([View Highlight](https://read.readwise.io/read/01h4a5yqkte9zy55gkxq9g8rqv))\n")
    plain = read_one(write_note(tmp_path / "Plain.md", metadata + highlights))
    assert plain.url == "https://example.com/article"
    for name, mine in [("Paragraph", "\nRead this for the Q3 planning.\n"),
                       ("Lazy", "my own line right below\n"),
                       ("Sub-bullet", "  - my own sub-bullet\n")]:
        annotated = read_one(write_note(tmp_path / f"{name}.md", metadata + mine + highlights))
        assert (annotated.id, annotated.url, annotated.author) == (plain.id, plain.url, "Bob"), name


def test_a_summary_keeps_its_lines_and_paragraphs_up_to_the_next_metadata_item(tmp_path):
    note = write_note(tmp_path / "Summed.md", (
        "# Summed\n\n## Metadata\n- Author: Ann\n- Summary: first line\nsecond line\n\nsecond paragraph\n"
        "- URL: https://example.com/s\n- Document Note: a note\n  indented by our writer\n\nIts paragraph.\n"
        "- The user's item.\n\nThe user's paragraph.\n\n"
        "## Highlights\n- Text ([Location 5](https://readwise.io/to_kindle?asin=X&location=5))\n"
    ))
    document = read_one(note)
    assert document.summary == "first line\nsecond line\n\nsecond paragraph"
    assert document.document_note == "a note\nindented by our writer\n\nIts paragraph."
    assert document.url == "https://example.com/s"


def test_a_summary_last_in_the_list_keeps_every_paragraph_up_to_the_heading(tmp_path):
    # Readwise's export writes a summary's paragraphs flush left, the last item's too: a
    # paragraph up to the next heading is the summary's, indented (our writer) or not.
    highlights = ("\n## Highlights\n- Text ([Location 5](https://readwise.io/to_kindle?asin=X&location=5))\n"
                  "\nThe user's text after the heading.\n")
    head = "# Summed\n\n## Metadata\n- Author: Ann\n- Summary: first paragraph\n\n"
    indented = read_one(write_note(tmp_path / "Indented.md", head + "  second paragraph\n" + highlights))
    flush = read_one(write_note(tmp_path / "Flush.md", head + "second paragraph\n\n\n \nthird one\n"
                                + highlights))
    assert indented.summary == "first paragraph\n\nsecond paragraph"
    assert flush.summary == "first paragraph\n\nsecond paragraph\n\nthird one"
    assert indented.id == flush.id
    assert [h.text for h in flush.highlights] == ["Text"]


def test_a_summary_ends_at_a_list_item_of_the_users_and_at_our_writers_region_end(tmp_path):
    highlights = "\n## Highlights\n- Text ([Location 5](https://readwise.io/to_kindle?asin=X&location=5))\n"
    head = "# Summed\n\n## Metadata\n- Author: Ann\n- Summary: first paragraph\n"
    item = read_one(write_note(tmp_path / "Item.md", head + "\nsecond paragraph\n- my own item\n\nmine\n"
                               + highlights))
    lazy = read_one(write_note(tmp_path / "Lazy.md", head + "* my own item\n" + highlights))
    # Our writer indents a value's paragraphs: a flush-left one in its header region is the user's.
    ours = read_one(write_note(tmp_path / "Ours.md", (
        "---\nexcerpta-id: d1\n---\n%% excerpta:begin header %%\n" + head
        + "\n  second paragraph\n\nThe user's paragraph.\n%% excerpta:end header 0123456789abcdef %%\n"
        + highlights)))
    assert (item.summary, lazy.summary) == ("first paragraph\n\nsecond paragraph", "first paragraph")
    assert ours.summary == "first paragraph\n\nsecond paragraph"


def test_reading_twice_gives_the_same_ids():
    def ids(documents: list[Document]) -> list[tuple[str, list[str]]]:
        return [(d.id, [h.id for h in d.highlights]) for d in documents]

    assert ids(read(OFFICIAL)[0]) == ids(read(OFFICIAL)[0])


def test_readwise_md_to_json_to_json_is_byte_identical(run_cli, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    to_json = run_cli("convert", OFFICIAL, "--from", "readwise-md", "--to", "json", "--out", first)
    assert to_json.exit_code == 0
    assert run_cli("convert", first, "--to", "json", "--out", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_folders_and_notes_are_recognised_and_other_markdown_is_not(tmp_path):
    for source in (OFFICIAL, EXPORT, LUCAS / "Books", FIRST_SYNC):
        assert registry.detect_reader(InputProbe.of(str(source))) is ReadwiseMarkdownReader
    assert ReadwiseMarkdownReader.recognize(InputProbe.of(str(JIMBRIG / "Readwise Syncs.md"))) == 0
    plain = write_note(tmp_path / "vault" / "Ideas.md", "# Ideas\n\n## Highlights\n- mine\n")
    assert ReadwiseMarkdownReader.recognize(InputProbe.of(str(plain))) == 0
    assert ReadwiseMarkdownReader.recognize(InputProbe.of(str(plain.parent))) == 0


def test_a_vault_is_recognised_by_its_readwise_folder_and_user_notes_are_skipped(tmp_path):
    vault = tmp_path / "vault"
    for number in range(30):
        write_note(vault / "Daily" / f"2024-01-{number:02}.md", "# A day\n\n- [ ] a task\n")
    write_note(vault / "Readwise" / "Books" / "Mindset.md", (BOOKS / "Mindset.md").read_text())
    write_note(vault / ".obsidian" / "Hidden.md", (BOOKS / "Mindset.md").read_text())
    assert registry.detect_reader(InputProbe.of(str(vault))) is ReadwiseMarkdownReader
    documents, state = read(vault)
    assert [d.title for d in documents] == ["Mindset"]
    assert state.problems == []


def test_separator_lines_of_custom_templates_end_a_highlight(tmp_path):
    note = write_note(tmp_path / "Separated.md", "\n".join([
        "# Separated", "## Metadata", "- Author: Ann", "## Highlights",
        "- One ([Location 1](https://readwise.io/to_kindle?action=open&asin=B0&location=1))",
        "---",
        "- Two ([Location 2](https://readwise.io/to_kindle?action=open&asin=B0&location=2))",
        "***",
        "My own remark, not a highlight.",
    ]))
    assert [(h.text, h.location) for h in read_one(note).highlights] == [("One", 1), ("Two", 2)]


def test_headings_below_the_highlights_heading_name_chapters_and_do_not_end_the_section(tmp_path):
    note = write_note(tmp_path / "Chaptered.md", "\n".join([
        "# Chaptered", "## Metadata", "- Author: Ann", "## Highlights",
        "- Before any chapter ([Location 1](https://readwise.io/to_kindle?action=open&asin=B0&location=1))",
        "### Part I > Economy", "",
        "- One ([Location 2](https://readwise.io/to_kindle?action=open&asin=B0&location=2))",
        "#### Where I Lived", "",
        "- Two ([Location 3](https://readwise.io/to_kindle?action=open&asin=B0&location=3))",
        "## New highlights added July 5, 2024 at 9:00 AM",
        "- Three ([Location 4](https://readwise.io/to_kindle?action=open&asin=B0&location=4))",
        "## My thoughts",
        "- not a highlight",
    ]))
    assert [(h.text, h.chapter) for h in read_one(note).highlights] == [
        ("Before any chapter", None), ("One", "Part I > Economy"), ("Two", "Where I Lived"),
        ("Three", None)]


def test_in_our_own_notes_the_users_text_below_the_managed_region_is_not_read(tmp_path):
    note = write_note(tmp_path / "Ours.md", "\n".join([
        "---", "excerpta-id: d1", "---",
        "%% excerpta:begin header %%", "# Ours", "## Metadata", "- Author: Ann",
        "%% excerpta:end header 0123456789abcdef %%",
        "%% excerpta:begin highlights %%", "## Highlights",
        "- One ([Location 1](https://readwise.io/to_kindle?action=open&asin=B0&location=1)) ^hl-h1",
        "%% excerpta:end highlights 0123456789abcdef %%",
        "### My reading list", "- Walden, again",
    ]))
    assert [(h.id, h.text) for h in read_one(note).highlights] == [("h1", "One")]


def test_a_note_saved_with_crlf_line_endings_reads_the_same(tmp_path):
    crlf = tmp_path / "Books" / FIRST_SYNC.name
    crlf.parent.mkdir()
    crlf.write_bytes(FIRST_SYNC.read_bytes().replace(b"\n", b"\r\n"))
    assert read_one(crlf) == read_one(FIRST_SYNC)


def test_a_readwise_note_that_is_not_utf8_is_reported_and_other_files_are_skipped(tmp_path):
    latin1 = (BOOKS / "Mindset.md").read_text().encode("latin-1")
    write_note(tmp_path / "Books" / "Good.md", (BOOKS / "Mindset.md").read_text())
    (tmp_path / "Books" / "Latin-1.md").write_bytes(latin1)
    (tmp_path / "Shopping list.md").write_bytes("- crème fraîche\n".encode("latin-1"))
    documents, state = read(tmp_path)
    assert [d.title for d in documents] == ["Mindset"]
    text = (BOOKS / "Mindset.md").read_text()
    first = next(index for index, char in enumerate(text) if not char.isascii())
    line, byte = text[:first].count("\n") + 1, text[first].encode("latin-1")[0]
    assert [(Path(p.source).name, p.where, p.reason) for p in state.problems] == [
        ("Latin-1.md", line, f"not UTF-8 text (byte 0x{byte:02X}): re-save the note as UTF-8")]


def test_a_note_holding_a_nul_byte_is_reported_at_its_line(tmp_path):
    text = (BOOKS / "Mindset.md").read_text()
    bullet = text.index("\n- ", text.index("## Highlights")) + 3  # a highlight's first letter
    damaged = write_note(tmp_path / "Books" / "Damaged.md", text[:bullet] + "\x00" + text[bullet:])
    write_note(tmp_path / "Books" / "Mindset.md", text)
    documents, state = read(tmp_path)
    assert [d.title for d in documents] == ["Mindset"]
    line = text[:bullet].count("\n") + 1
    assert [(p.source, p.where, p.reason) for p in state.problems] == [
        (str(damaged), line, "holds a NUL byte, which no text holds (a damaged file?)")]


@pytest.mark.parametrize("encoded", [lambda text: text.encode("utf-16"),
                                     lambda text: text.replace("\n", "\r").encode()],
                         ids=["utf-16 with its byte order mark", "old Mac line ends"])
def test_a_note_saved_as_utf16_or_with_cr_line_ends_reads_the_same(tmp_path, encoded):
    note = tmp_path / "Books" / FIRST_SYNC.name
    note.parent.mkdir()
    note.write_bytes(encoded(FIRST_SYNC.read_text(encoding="utf-8")))
    assert read_one(note) == read_one(FIRST_SYNC)
    assert ReadwiseMarkdownReader.recognize(InputProbe.of(str(note))) == 90


_LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40).map(
    str.strip).filter(bool)
_TAG = st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    paragraphs=st.lists(st.lists(_LINE, min_size=1, max_size=3), min_size=1, max_size=3),
    note=st.none() | _LINE,
    tags=st.lists(_TAG, max_size=3, unique=True),
    location=st.integers(min_value=1, max_value=99999),
)
def test_any_highlight_rendered_by_the_default_template_reads_back(paragraphs, note, tags, location):
    text = "\n\n".join("\n".join(lines) for lines in paragraphs)
    link = f"https://readwise.io/to_kindle?action=open&asin=B0TEST&location={location}"
    bullet = "- " + text.replace("\n", "\n  ") + f" ([Location {location}]({link}))"
    if tags:
        bullet += "\n    - Tags: " + "".join(f"[[{tag}]] " for tag in tags)
    if note:
        bullet += f"\n    - Note: {note}"
    body = ("# Book\n\n## Metadata\n- Author: [[Ann]]\n- Full Title: Book\n- Category: #books\n\n"
            f"## Highlights\n{bullet}\n")
    with tempfile.TemporaryDirectory() as folder:
        [highlight] = read_one(write_note(Path(folder) / "Book.md", body)).highlights
    assert (highlight.text, highlight.note, highlight.tags) == (text, note, tags)
    assert (highlight.location, highlight.location_type) == (location, LocationType.LOCATION)


def test_paragraphs_of_a_highlight_and_its_note_read_back_as_one_blank_line(tmp_path):
    note = write_note(tmp_path / "Paragraphs.md", (
        "# Book\n\n## Metadata\n- Author: [[Ann]]\n\n## Highlights\n"
        "- One.\n\n\n  Two.\n  Three. ([Location 5](https://readwise.io/to_kindle?asin=X&location=5))\n"
        "    - Note: A.\n  \n\n      B.\n\nThe user's own paragraph.\n"))
    [highlight] = read_one(note).highlights
    assert (highlight.text, highlight.note) == ("One.\n\nTwo.\nThree.", "A.\n\nB.")


QUOTED_NOTE = """# Walden

## Metadata
- Author: [[Henry David Thoreau]]
- Category: #books

## Highlights
> I went to the woods because I wished to live deliberately. ([Location 120](https://readwise.io/to_kindle?action=open&asin=B0&location=120))

> Our life is frittered away by detail.
> **Note:** simplify
> Tags: [[simplicity]]

> [!quote] Location 300
> Heaven is under our feet
as well as over our heads. ([Location 305](https://readwise.io/to_kindle?action=open&asin=B0&location=305))
>
> - Note: a second
> paragraph ([View Highlight](https://read.readwise.io/read/01abc))

## My thoughts
> a quote of my own, in my own section
"""


def test_a_plugin_note_written_with_a_quote_or_callout_template_has_one_highlight_per_quote(tmp_path):
    walden = read_one(write_note(tmp_path / "Walden.md", QUOTED_NOTE))
    first, second, third = walden.highlights
    assert (first.text, first.location, first.note) == (
        "I went to the woods because I wished to live deliberately.", 120, None)
    assert (second.text, second.note, second.tags) == (
        "Our life is frittered away by detail.", "simplify", ["simplicity"])
    assert (third.text, third.location) == ("Heaven is under our feet\nas well as over our heads.", 305)
    assert third.note == "a second\nparagraph ([View Highlight](https://read.readwise.io/read/01abc))"


def test_quotes_beside_highlight_bullets_are_the_users_and_not_read(tmp_path):
    note = QUOTED_NOTE.replace("## My thoughts", "- A bullet highlight ([Location 9](https://readwise.io/to_kindle?asin=B0&location=9))\n")
    walden = read_one(write_note(tmp_path / "Walden.md", note))
    assert [(h.text, h.location) for h in walden.highlights] == [("A bullet highlight", 9)]


@pytest.mark.parametrize("text", ["--\n0", "---\nand then"])
def test_a_highlight_that_starts_with_hyphens_is_a_highlight_not_a_separator(tmp_path, text):
    # The plugin writes its first line as "- --", which is no template's separator ("---" and
    # "- - -" are).
    bullet = "- " + text.replace("\n", "\n  ") + " ([Location 7](https://readwise.io/to_kindle?asin=X&location=7))"
    note = write_note(tmp_path / "Book.md", "# Book\n\n## Metadata\n- Author: [[Ann]]\n\n"
                                           f"## Highlights\n- One.\n{bullet}\n- - -\n- Two.\n")
    assert [h.text for h in read_one(note).highlights] == ["One.", text, "Two."]
