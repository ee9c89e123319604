"""TaskFlow: a self-hostable, multi-user task manager."""
