"""The ingest endpoint: highlights sent by apps, as they send them to Readwise, kept in an inbox
that the ``inbox`` reader reads (:mod:`.payload` checks a request, :mod:`.inbox` keeps it,
:mod:`.server` serves, :mod:`.settings` configures, :mod:`.mapping` makes models of it)."""
