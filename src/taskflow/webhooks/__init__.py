"""Webhooks: a project's changes POSTed, signed, to URLs its admins choose."""
