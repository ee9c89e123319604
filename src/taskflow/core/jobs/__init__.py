"""Background jobs: a Redis-backed queue, or in-process when no Redis is configured."""
