"""Scoring library: transcription, proficiency and content scoring of interview answers."""
