"""Web security: response headers, trusted proxies, login throttling and signed media links."""
