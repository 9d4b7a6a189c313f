"""Users and their roles (sign-in, tokens and quotas come with issue 6)."""
