"""The question bank as an API: search, read, export and import; assessment templates."""
