"""Attachments: files on tasks, kept in the configured storage (core/storage.py)."""
