"""Alembic migrations, shipped inside the package; `run_upgrade` is how code applies them."""
