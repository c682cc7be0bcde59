"""Database: models, engine/session wiring and Alembic migrations."""
