"""Named, ordered schema migrations of the state database.

A migration is applied once, in order, inside a transaction; ``PRAGMA user_version`` holds how
many have been applied and the ``migrations`` table their names. Never edit a migration that
has shipped: append a new one.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE migrations (
            name TEXT PRIMARY KEY,
            applied_at TEXT NOT NULL
        );
        -- rowid order is first-seen order: a library renders in the order it was read.
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            data TEXT NOT NULL,           -- the document as JSON, without highlights
            content_hash TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE highlights (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            data TEXT NOT NULL,           -- the highlight as JSON
            content_hash TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX highlights_by_document ON highlights(document_id);
        CREATE TABLE cursors (
            job TEXT NOT NULL,
            source TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (job, source)
        );
        CREATE TABLE outputs (
            path TEXT PRIMARY KEY,        -- absolute path of the file we wrote
            job TEXT NOT NULL,
            writer TEXT NOT NULL,
            key TEXT NOT NULL,            -- what the file renders, e.g. a document id
            hash TEXT NOT NULL,           -- SHA-256 of the bytes we wrote
            source_hash TEXT,             -- content hash of what they were rendered from
            written_at TEXT NOT NULL
        );
        CREATE INDEX outputs_by_key ON outputs(job, writer, key);
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            job TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,         -- running, ok, partial, failed
            counts TEXT NOT NULL DEFAULT '{}',
            error TEXT
        );
        """,
    ),
    (
        # Size and mtime of each file as we wrote it: an unchanged re-run tells an intact
        # file by stat(), as git's index does, instead of reading the whole vault.
        "0002_outputs_stat",
        """
        ALTER TABLE outputs ADD COLUMN size INTEGER;
        ALTER TABLE outputs ADD COLUMN mtime_ns INTEGER;
        """,
    ),
    (
        # What a writer wants to remember about a file it wrote (JSON): the obsidian writer
        # keeps the list properties it wrote, to tell the user's additions from its own.
        "0003_outputs_memo",
        """
        ALTER TABLE outputs ADD COLUMN memo TEXT;
        """,
    ),
    (
        # The id a source gives a document or highlight the library holds under another id
        # (the same book from Kindle clippings and from Readwise): see excerpta.store.unify.
        "0004_aliases",
        """
        CREATE TABLE aliases (
            kind TEXT NOT NULL,           -- document or highlight
            alias TEXT NOT NULL,          -- the source's id
            id TEXT NOT NULL,             -- the library's
            PRIMARY KEY (kind, alias)
        );
        CREATE INDEX aliases_by_id ON aliases(kind, id);
        """,
    ),
]

SCHEMA_VERSION = len(MIGRATIONS)
