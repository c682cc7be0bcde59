"""The candidate domain."""
