"""Personal API tokens: create, revoke, authenticate, rate-limit, and their page.
Imports the shell only."""
