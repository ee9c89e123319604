"""Users: accounts, profiles and the superuser admin routes."""
