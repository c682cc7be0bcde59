"""Outgoing email: building messages from templates and sending them over SMTP."""
