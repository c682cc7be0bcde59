"""Curating what the scorer learns from: exemplars, AI-vs-reviewer agreement, re-scoring."""
