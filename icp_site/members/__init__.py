"""Members and their choices: the members page (admins add, change roles, remove), the
organisation's settings, switching organisation, the language. Imports the shell only."""
