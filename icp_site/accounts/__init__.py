"""Signing in and the throttles that keep guessing slow: the sign-in and password-reset views,
django-axes' hooks, and the rate buckets every worker shares. Imports the shell only."""
