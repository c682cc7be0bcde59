"""Demo data: an organization, its staff, and the ML-engineer assessment."""
