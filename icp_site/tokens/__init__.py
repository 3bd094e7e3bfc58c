"""Personal API tokens: create, revoke, authenticate, rate-limit, their page, and the JSON
API's door (`api`: who calls, how often, every error as JSON). Imports the shell only."""
