"""Offline evaluation of the content scorer against human scores (behind ``viva eval``)."""
