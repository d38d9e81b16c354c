"""The web side of ingest: a polite HTTP client, robots.txt, URL rules and per-URL state."""
