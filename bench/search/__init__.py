"""`python -m bench.search`: the search index's full reindex (and where its time goes), query
and suggestion latency over a realistic mix, and the time from a publish to searchable, on the
benchmark databases (`bench.databases`) with the embedded backend (SQLite FTS5)."""
