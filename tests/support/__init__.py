"""Reusable real peers and helpers for tests and benchmarks."""
