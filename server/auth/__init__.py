"""Staff sign-in, sessions and guards; candidate invitation tokens."""
