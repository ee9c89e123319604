"""Notifications: who hears about what (SPEC §7), in-app, live over the WebSocket and by email."""
