"""The invitations domain."""
