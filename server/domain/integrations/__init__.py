"""Integrations: organization API tokens and signed outgoing webhooks."""
