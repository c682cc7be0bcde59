"""Data protection: media retention, erasure and export of one candidate's data."""
