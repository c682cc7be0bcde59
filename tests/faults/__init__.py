"""Fault tests: real processes (server, worker, PostgreSQL, S3) broken on purpose."""
