"""Accounts: sign-up, sign-in, signed session cookies, CSRF tokens, API tokens, roles."""
