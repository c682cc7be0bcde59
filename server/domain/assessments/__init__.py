"""The assessments domain."""
