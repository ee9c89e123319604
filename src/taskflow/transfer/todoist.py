"""Todoist's project template CSV -> an ImportPlan.

Both header variants are read by column name (case-insensitive): the older
`TYPE,CONTENT,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE` and the current one
with `DESCRIPTION` (and `DURATION`, `DURATION_UNIT`, ...); columns not known are ignored.
Rows: `task` (INDENT 1 a task, deeper a subtask of the INDENT-1 task above it: TaskFlow's
subtasks are one level deep), `note` (a comment on the task above; above every task, part of
the project's description), `section` (the tasks below it are in it), `meta` and blank rows
ignored. `PRIORITY` is Todoist's p-level: 1 (p1) -> 4 urgent, 2 -> 3, 3 -> 2, 4 -> 0. `DATE` is
read with `dateparser` in `DATE_LANG` and `TIMEZONE`; a date it cannot read is kept in the
description. The file is read row by row from disk (never whole in memory); the first
malformed row is a 422 naming its line.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from taskflow.transfer.plan import (
    MAX_TASKS,
    ImportError_,
    ImportPlan,
    PlannedTask,
    clip_comment,
    clip_title,
)

PRIORITIES = {"1": 4, "2": 3, "3": 2, "4": 0, "": 0}
REQUIRED = ("TYPE", "CONTENT")
MAX_FIELD = 1_000_000
csv.field_size_limit(MAX_FIELD)


def _rows(binary: IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportError_("line 1", "the file is empty")
        names = [name.strip().upper() for name in header]
        missing = [name for name in REQUIRED if name not in names]
        if missing:
            raise ImportError_(
                "line 1", f"not a Todoist CSV: the header lacks {', '.join(missing)}"
            )
        start = reader.line_num + 1
        for row in reader:
            if not any(cell.strip() for cell in row):
                start = reader.line_num + 1
                continue
            if "\x00" in "".join(row):
                raise ImportError_(f"line {start}", "the row contains a NUL character")
            yield start, {names[i]: value for i, value in enumerate(row) if i < len(names)}
            start = reader.line_num + 1
    except UnicodeDecodeError:
        raise ImportError_(f"line {reader.line_num + 1}", "the file is not UTF-8 text") from None
    except csv.Error as error:
        raise ImportError_(f"line {reader.line_num}", f"malformed CSV ({error})") from None


@functools.lru_cache(maxsize=64)
def _parser(language: str | None, timezone: str) -> Any:
    """One `dateparser` parser per language and zone, reused row after row: building one
    (what `dateparser.parse` does on every call given a language) cost ~10 ms a row."""
    # Imported by the first Todoist import, not at start: dateparser and `regex` are ~7 MB of
    # RSS that every API worker would carry for a rare request (issue 22).
    from dateparser.date import DateDataParser  # type: ignore[import-untyped]

    settings = {"RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "future"}
    settings["TIMEZONE"] = timezone
    try:
        return DateDataParser(languages=[language] if language else None, settings=settings)
    except ValueError:  # a language dateparser does not know: detect it instead
        return DateDataParser(settings=settings)


def _due(raw: str, language: str, timezone: str) -> datetime | None:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone, timezone = ZoneInfo("UTC"), "UTC"
    try:  # ISO 8601 ("2031-05-06", "2031-05-06 14:30") needs no language: read it directly
        iso = datetime.fromisoformat(raw.strip())
    except ValueError:
        pass
    else:
        return (iso if iso.tzinfo else iso.replace(tzinfo=zone)).astimezone(UTC)
    usable = language.lower() if language and language.isalpha() and len(language) <= 3 else None
    try:
        parsed: datetime | None = _parser(usable, timezone).get_date_data(raw)["date_obj"]
    except (ValueError, KeyError, TypeError, OverflowError):
        parsed = None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse(binary: IO[bytes], project_name: str) -> ImportPlan:
    plan = ImportPlan(project_name=project_name)
    section: str | None = None
    top_level: int | None = None  # index of the last INDENT-1 task
    last: int | None = None
    project_notes: list[str] = []
    dates: dict[tuple[str, str, str], datetime | None] = {}
    for line, row in _rows(binary):
        kind = row.get("TYPE", "").strip().lower()
        content = row.get("CONTENT", "")
        if kind == "task":
            last = top_level = _task(plan, line, row, section, top_level, dates)
            if plan.tasks[last].parent is not None:
                top_level = plan.tasks[last].parent
        elif kind == "note":
            if not content.strip():
                continue
            if last is None:
                project_notes.append(content.strip())
            else:
                plan.tasks[last].comments.append((clip_comment(content.strip()), None))
        elif kind == "section":
            name = clip_title(content)[:120]
            if not content.strip():
                raise ImportError_(f"line {line}", "a section needs a name in CONTENT")
            section = name
            if name not in plan.sections:
                plan.sections.append(name)
            top_level = last = None
        elif kind in ("meta", ""):
            continue
        else:
            raise ImportError_(f"line {line}", f"unknown TYPE {kind[:20]!r} (task, note, section)")
        if len(plan.tasks) > MAX_TASKS:
            raise ImportError_(f"line {line}", f"more than {MAX_TASKS} tasks")
    plan.description = "\n\n".join(project_notes)[:10_000]
    return plan


def _task(
    plan: ImportPlan,
    line: int,
    row: dict[str, str],
    section: str | None,
    top_level: int | None,
    dates: dict[tuple[str, str, str], datetime | None],
) -> int:
    content = row.get("CONTENT", "")
    if not content.strip():
        raise ImportError_(f"line {line}", "a task needs CONTENT")
    priority_raw = row.get("PRIORITY", "").strip()
    if priority_raw not in PRIORITIES:
        raise ImportError_(f"line {line}", f"PRIORITY must be 1-4, not {priority_raw[:10]!r}")
    indent_raw = row.get("INDENT", "").strip() or "1"
    if not indent_raw.isdigit() or not 1 <= int(indent_raw) <= 5:
        raise ImportError_(f"line {line}", f"INDENT must be 1-5, not {indent_raw[:10]!r}")
    indent = int(indent_raw)
    if indent > 1 and top_level is None:
        raise ImportError_(f"line {line}", f"INDENT {indent} without a task of INDENT 1 above it")
    title = content.strip().removeprefix("* ")  # "* " marks an uncompletable task
    description = row.get("DESCRIPTION", "").strip()
    raw_date = row.get("DATE", "").strip()
    due_at = None
    if raw_date:
        key = (raw_date, row.get("DATE_LANG", "").strip(), row.get("TIMEZONE", "").strip())
        if key not in dates:  # a date repeated down the file is read once (~5 ms each)
            dates[key] = _due(*key)
        due_at = dates[key]
        if due_at is None or raw_date.lower().startswith("every"):
            # Kept for the reader: a recurrence or a date the parser could not read.
            description = f"{description}\n\nTodoist date: {raw_date}".strip()
    plan.tasks.append(
        PlannedTask(
            title=clip_title(title),
            description=description[:100_000],
            priority=PRIORITIES[priority_raw],
            due_at=due_at,
            parent=top_level if indent > 1 else None,
            section=section,
        )
    )
    return len(plan.tasks) - 1
