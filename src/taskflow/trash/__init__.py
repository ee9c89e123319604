"""The trash (SPEC §10): what the caller may restore, restoring, purging, and the retention job."""
