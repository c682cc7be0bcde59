"""Bias audits: volunteered demographics and selection/scoring impact ratios (NYC LL 144 style)."""
