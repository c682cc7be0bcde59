"""Viva's web service: HTTP, auth, the database and the jobs that tie media/ and scoring/ together."""
