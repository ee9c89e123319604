"""Authentication: logins, sessions (refresh-token families), verification and resets."""
