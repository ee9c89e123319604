"""EXPLAIN (ANALYZE, BUFFERS) of the SQL TaskFlow runs for scenarios 1-3, captured from its engine.

python bench/explain.py --size 1m > bench/results/explain-1m.txt
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).parent))
from run import DB, environment, load_state


async def main(size: str) -> None:
    import os

    os.environ.update(environment(size))
    from taskflow.main import create_app

    state = load_state(size)
    hot, search = state["hot_project_id"], state["search"]
    scenarios = {
        "1-list": f"/api/v1/tasks?project_id={hot}",
        "2-search": f"/api/v1/tasks?project_id={hot}&search={search}",
        "3-votes-label": f"/api/v1/tasks?project_id={hot}&label_id={state['label_id']}&sort=-votes",
    }
    app = create_app()
    captured: list[tuple[str, Any]] = []
    async with LifespanManager(app):
        engine = app.state.database.engine.sync_engine

        def capture(*args: Any) -> None:
            captured.append((args[2], args[3]))

        # A GET's reads run on asyncpg itself (db.read_rows), out of SQLAlchemy's sight:
        # asyncpg's query logger sees them.
        def on_driver(record: Any) -> None:
            captured.append((record.query, record.args))

        def checkout(dbapi_connection: Any, *_: Any) -> None:
            dbapi_connection.driver_connection.add_query_logger(on_driver)

        def checkin(dbapi_connection: Any, *_: Any) -> None:
            dbapi_connection.driver_connection.remove_query_logger(on_driver)

        event.listen(engine, "before_cursor_execute", capture)
        event.listen(engine, "checkout", checkout)
        event.listen(engine, "checkin", checkin)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            headers = {"Authorization": f"Bearer {state['tokens'][0]}"}
            plans: dict[str, list[tuple[str, Any]]] = {}
            for name, path in scenarios.items():
                captured.clear()
                response = await client.get(path, headers=headers)
                assert response.status_code == 200, response.text
                plans[name] = list(captured)
    connection = await asyncpg.connect(DB.format(size=size))
    print(f"# EXPLAIN (ANALYZE, BUFFERS) at {size}: {state['tasks']} tasks\n")
    for name, statements in plans.items():
        print(f"## {name}: {scenarios[name]}\n")
        for sql, params in statements:
            values = list(params) if isinstance(params, tuple | list) else []
            print("```sql\n" + sql.strip() + "\n```\nparameters: " + repr(values) + "\n```")
            rows = await connection.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *values)
            print("\n".join(row[0] for row in rows) + "\n```\n")
    await connection.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1m")
    asyncio.run(main(parser.parse_args().size))
