"""An organization's branding on every candidate page and email."""
