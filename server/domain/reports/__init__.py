"""The reports domain: candidate reports, exports, comparisons and share links."""
