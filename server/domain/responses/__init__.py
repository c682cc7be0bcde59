"""The responses domain."""
