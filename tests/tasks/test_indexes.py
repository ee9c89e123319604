"""Each filter and sort GET /tasks offers can be answered by an index, of the live rows only.

The sort and search indexes are partial (`WHERE deleted_at IS NULL`, SPEC §10): a plan can use
one only because the listing's WHERE says the same (`db.trash.live`), so the statements here
carry that condition as the listings do, and the catalog is checked for the predicate.

On PostgreSQL the planner is told not to scan sequentially (tiny test tables would make a scan
the cheaper plan); a plan that still names the index shows the index fits the query. For the
sorts it is also told not to sort: on an empty table every index costs the same, so the planner
may pick any of them and sort; with sorting priced out, a plan with no Sort step exists only if
an index gives the order. On SQLite
the btree sorts are checked with EXPLAIN QUERY PLAN.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Select, insert, select, text

from taskflow.db import Database
from taskflow.db.trash import live
from taskflow.projects.models import Project
from taskflow.tasks import positions
from taskflow.tasks.filter_sql import clock_for, compile_query, condition
from taskflow.tasks.models import Comment, Task, TaskStatus
from taskflow.tasks.queries import (
    _VISIBLE_TASK,
    TaskFilters,
    _listing_statements,
    filter_conditions,
    filter_params,
    order_by,
)
from taskflow.tasks.schemas import TaskSort
from tests.factories_domain import quick_user

SORT_INDEXES: dict[str, str] = {
    "position": "ix_tasks_project_position",
    "-position": "ix_tasks_project_position",
    "created_at": "ix_tasks_project_created",
    "-created_at": "ix_tasks_project_created",
    "due_at": "ix_tasks_project_due",
    "-due_at": "ix_tasks_project_due_desc",
    "priority": "ix_tasks_project_priority",
    "-priority": "ix_tasks_project_priority",
    "votes": "ix_tasks_project_votes",
    "-votes": "ix_tasks_project_votes",
    "title": "ix_tasks_project_title_lower",
    "-title": "ix_tasks_project_title_lower",
}


@pytest.fixture
async def app(app: FastAPI) -> FastAPI:
    """On PostgreSQL, tables with statistics: 4,000 tasks in 20 projects, a tenth of them in
    the trash, vacuumed and analyzed. On empty tables a partial index of every live row costs
    what the filter's own index costs, and the planner may take either; with rows it weighs
    them."""
    database: Database = app.state.database
    if database.is_sqlite:
        return app
    owner = (await quick_user(app)).user.id
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "omega", "kappa", "sigma"]
    async with database.engine.begin() as connection:
        projects = (
            await connection.scalars(
                insert(Project).returning(Project.id),
                [{"owner_id": owner, "name": f"P{n}"} for n in range(20)],
            )
        ).all()
        trashed = datetime(2026, 11, 1, tzinfo=UTC)
        keys = positions.keys_after(None, 4000)
        await connection.execute(
            insert(Task),
            [
                {
                    "project_id": projects[n % 20],
                    "title": f"{words[n % 7]} {words[n % 5]} {n}",
                    "description": f"{words[n % 3]} notes {n}",
                    "status": ("todo", "in_progress", "done")[n % 3],
                    "priority": n % 5,
                    "position": keys[n],
                    "due_at": trashed if n % 2 else None,
                    "deleted_at": trashed if n % 10 == 0 else None,
                }
                for n in range(4000)
            ],
        )
    # VACUUM too: it empties the trigram indexes' pending lists, whose size the planner adds
    # to their cost.
    autocommit = database.engine.execution_options(isolation_level="AUTOCOMMIT")
    async with autocommit.connect() as connection:
        await connection.exec_driver_sql("VACUUM ANALYZE tasks")
    return app


async def _plan(app: FastAPI, statement: Select[Any], *, sorting: bool = True) -> str:
    database: Database = app.state.database
    async with database.engine.connect() as connection:
        if database.is_sqlite:
            sql = str(
                statement.compile(
                    dialect=database.engine.dialect, compile_kwargs={"literal_binds": True}
                )
            )
            rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            return "\n".join(str(row[-1]) for row in rows)
        sql = str(
            statement.compile(
                dialect=database.engine.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        await connection.execute(text("SET LOCAL enable_seqscan = off"))
        if not sorting:
            await connection.execute(text("SET LOCAL enable_sort = off"))
        rows = await connection.exec_driver_sql(f"EXPLAIN {sql}")
        return "\n".join(str(row[0]) for row in rows)


@pytest.mark.parametrize("sort", list(SORT_INDEXES))
async def test_each_sort_of_a_project_walks_an_index(app: FastAPI, sort: TaskSort) -> None:
    statement = (
        select(Task.id).where(Task.project_id == 1, live(Task)).order_by(*order_by(sort)).limit(20)
    )
    plan = await _plan(app, statement, sorting=False)
    if app.state.database.is_sqlite:
        if sort.lstrip("-") in {"title", "due_at"}:  # expression / NULLS LAST: PostgreSQL only
            return
        assert SORT_INDEXES[sort] in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # no sort step: the index gives the order
        return
    assert SORT_INDEXES[sort] in plan, plan
    assert "Sort" not in plan.replace("Sort Key", ""), plan


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        (TaskFilters(search="needle"), "ix_tasks_title_trgm"),
        (TaskFilters(search="needle"), "ix_tasks_description_trgm"),
        (TaskFilters(statuses=(TaskStatus.DONE,)), "ix_tasks_project_status"),
        (TaskFilters(priority=3), "ix_tasks_project_priority"),
        (TaskFilters(label_id=7), "ix_task_labels_label_id"),
        (TaskFilters(assignee_id=7), "ix_tasks_assignee_id"),
        (TaskFilters(parent_id=7), "ix_tasks_parent_id"),
        (TaskFilters(section_id=7), "ix_tasks_section_position"),
    ],
)
async def test_each_filter_is_index_backed_on_postgresql(
    app: FastAPI, filters: TaskFilters, index: str
) -> None:
    params = filter_params(1, filters)
    if app.state.database.is_sqlite:
        # The listing's WHERE whole: SQLite's planner has no statistics to weigh a partial
        # index of every live row against the filter's own, so it is given the membership
        # scope (project_id IN ...) the route always has, as the filter language test does.
        statement = select(Task.id).where(*filter_conditions(params)).params(params)
        plan = await _plan(app, statement)
        if filters.search:  # no trigram index: the member's tasks by project, LIKE on those
            assert "SCAN tasks" not in plan, plan
            return
        assert index in plan, plan
        return
    # Without the membership scope (tiny tables: PostgreSQL would start from it), with `live`.
    conditions = [live(Task), *filter_conditions(params)[1:]]
    plan = await _plan(app, select(Task.id).where(*conditions).params(params))
    assert index in plan, plan


async def test_the_planner_knows_how_many_tasks_a_search_word_matches(app: FastAPI) -> None:
    """The trigram indexes are partial, and PostgreSQL reads no statistics from a partial
    index: its estimate of a search word comes from the statistics of lower(title) and
    lower(description) (`models.SEARCH_STATISTICS`). A word in every description must be
    estimated at most of the tasks (so the planner reads the caller's own tasks rather than
    a trigram index across everyone's), a word in none at few."""
    database: Database = app.state.database
    if database.is_sqlite:
        return
    estimates = {}
    for word in ("notes", "zzzz"):
        params = filter_params(1, TaskFilters(search=word))
        conditions = [live(Task), *filter_conditions(params)[1:]]
        statement = select(Task.id).where(*conditions).params(params)
        sql = str(
            statement.compile(
                dialect=database.engine.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        async with database.engine.connect() as connection:
            plan = (await connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}")).scalar()
        assert plan is not None
        estimates[word] = plan[0]["Plan"]["Plan Rows"]
    assert estimates["notes"] >= 3000, estimates  # 3,600 live tasks, every one matches
    assert estimates["zzzz"] <= 100, estimates


async def test_the_membership_scope_is_index_backed(app: FastAPI) -> None:
    conditions = filter_conditions(["user_id"])
    plan = await _plan(app, select(Task.id).where(*conditions).params(user_id=1))
    assert "ix_project_members_user_id" in plan or "pk_project_members" in plan, plan


@pytest.mark.parametrize(
    "expression",
    [
        "today | overdue",
        "#project & p1",
        "@label & assigned to: me",
        "search: two words & !status: done",
        "no date | next 7 days | due before: 2027-01-01 | due after: 2027-01-01",
        "section: Doing | subtask | created by: someone | unassigned",
    ],
)
async def test_filter_language_terms_are_index_backed_on_postgresql(
    app: FastAPI, expression: str
) -> None:
    """The issue's four filters and the other terms: with the caller's membership scope, no
    term makes either database read the tasks table whole (SQLite searches it by project
    through an index even for `search:`, whose LIKE then filters the member's rows)."""
    compiled = compile_query(expression, clock_for("UTC"))
    conditions = [*filter_conditions(["user_id"]), condition(compiled.shape)]
    statement = select(Task.id).where(*conditions).params(user_id=1, **compiled.params)
    plan = await _plan(app, statement)
    if app.state.database.is_sqlite:
        assert "SEARCH tasks USING" in plan, plan
        assert "SCAN tasks" not in plan, plan
        return
    assert "Seq Scan on tasks" not in plan, plan


@pytest.mark.parametrize(
    ("model", "index"),
    [
        (Task, "ix_tasks_trashed"),
        (Comment, "ix_comments_trashed"),
        (Project, "ix_projects_trashed"),
    ],
)
async def test_the_trash_is_found_by_its_own_partial_index(
    app: FastAPI, model: type[Task] | type[Comment] | type[Project], index: str
) -> None:
    """The trash list and the retention job read trashed rows by time, through an index of
    those rows only (live rows cost it nothing)."""
    cutoff = datetime(2026, 1, 1, tzinfo=UTC)
    statement = select(model.id).where(model.deleted_at.is_not(None), model.deleted_at < cutoff)
    plan = await _plan(app, statement)
    assert index in plan, plan


async def test_today_and_overdue_reach_the_project_due_index_through_their_or(
    app: FastAPI,
) -> None:
    """Today's query (`overdue | today`): the range every match lies in (due before the end
    of today, filter_sql's stated bound) is an index condition on ix_tasks_project_due, so a
    user's Today reads their projects' due dates only, not every user's (docs/time.md)."""
    compiled = compile_query("overdue | today", clock_for("Europe/Berlin"))
    conditions = [*filter_conditions(["user_id"]), condition(compiled.shape)]
    statement = select(Task.id).where(*conditions).params(user_id=1, **compiled.params)
    plan = await _plan(app, statement)
    if app.state.database.is_sqlite:
        searches = [line for line in plan.splitlines() if "ix_tasks_project_due" in line]
        assert searches, plan
        assert "project_id=?" in searches[0], plan
        assert "due_at<?" in searches[0], plan
        return
    index_scans = [line for line in plan.splitlines() if "ix_tasks_project_due" in line]
    assert index_scans, plan
    conditions_line = plan.split(index_scans[0], 1)[1].splitlines()[1]
    assert "Index Cond" in conditions_line, plan
    assert "due_at <" in conditions_line, plan


# The partial indexes, and the ones that stay whole (a project's purge and a section's deletion
# reach trashed tasks through them).
LIVE_INDEXES = sorted(
    {
        *SORT_INDEXES.values(),
        "ix_tasks_project_start",
        "ix_tasks_project_start_desc",
        "ix_tasks_title_trgm",
        "ix_tasks_description_trgm",
    }
)
WHOLE_INDEXES = ["ix_tasks_project_status", "ix_tasks_section_position", "ix_tasks_parent_id"]
POSTGRESQL_ONLY = {
    "ix_tasks_project_title_lower",
    "ix_tasks_project_due_desc",
    "ix_tasks_project_start_desc",
    "ix_tasks_title_trgm",
    "ix_tasks_description_trgm",
}


async def _index_definitions(app: FastAPI) -> dict[str, str]:
    database: Database = app.state.database
    async with database.engine.connect() as connection:
        if database.is_sqlite:
            rows = await connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tasks'"
            )
        else:
            rows = await connection.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tasks'"
            )
        listed: list[Any] = list(rows)
        return {str(row[0]): str(row[1]) for row in listed}


async def test_the_listing_indexes_hold_the_live_rows_only(app: FastAPI) -> None:
    definitions = await _index_definitions(app)
    sqlite = app.state.database.is_sqlite
    for name in LIVE_INDEXES:
        if sqlite and name in POSTGRESQL_ONLY:
            assert name not in definitions
            continue
        assert "WHERE deleted_at IS NULL" in definitions[name].replace("(", "").replace(")", ""), (
            definitions[name]
        )
    for name in WHOLE_INDEXES:
        assert "WHERE" not in definitions[name], definitions[name]


async def test_a_listing_without_the_live_condition_cannot_use_them(app: FastAPI) -> None:
    """The partial index is chosen because of `live`: the same sort over every row (the
    trash's own reads) finds no index that gives its order."""
    statement = select(Task.id).where(Task.project_id == 1).order_by(*order_by("created_at"))
    plan = await _plan(app, statement.limit(20), sorting=False)
    assert "ix_tasks_project_created" not in plan, plan


@pytest.mark.parametrize("sort", ["position", "-due_at", "title"])
async def test_the_list_route_statement_walks_a_partial_index(app: FastAPI, sort: TaskSort) -> None:
    """GET /tasks?project_id=...&sort=...: the statement the route runs (membership scope,
    live condition, comment count, labels, the total), not a reduced copy."""
    page, _ = _listing_statements(frozenset({"user_id", "project_id"}), sort)
    statement = page.params(user_id=1, project_id=1, limit=20, offset=0)
    plan = await _plan(app, statement, sorting=False)
    index = SORT_INDEXES[sort]
    if app.state.database.is_sqlite:
        if sort.lstrip("-") in {"title", "due_at"}:  # PostgreSQL's expression indexes
            assert "SCAN tasks" not in plan, plan
            return
        assert index in plan, plan
        return
    assert index in plan, plan


async def test_the_detail_statement_reads_one_row_by_its_key(app: FastAPI) -> None:
    """GET /tasks/{id}: the primary key (whole: a trashed task is found to say 404)."""
    statement = _VISIBLE_TASK.params(user_id=1, task_id=1)
    plan = await _plan(app, statement)
    if app.state.database.is_sqlite:
        assert "SEARCH tasks USING INTEGER PRIMARY KEY" in plan, plan
        return
    assert "pk_tasks" in plan, plan
