"""The project shell: settings, root URLs, tenancy (organisations, members, roles), access
rules, API tokens, number and money formats, the embedded PostgreSQL. Imports no app."""
