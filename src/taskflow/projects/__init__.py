"""Projects, their members and roles."""
