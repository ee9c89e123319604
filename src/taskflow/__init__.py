"""TaskFlow: a self-hostable, multi-user task manager."""

__version__ = "0.1.0"
