"""What the hiring team says about a candidate: ratings (1-5 with a comment) and notes (issue 16)."""
