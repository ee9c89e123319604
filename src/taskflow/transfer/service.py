"""Export and import: a fixed number of queries each way, all or nothing on import; the
projects and tasks domains read and write their own tables."""

from __future__ import annotations

from collections import defaultdict
from typing import IO

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import record_many
from taskflow.attachments import queries as attachments_queries
from taskflow.attachments import service as attachments_service
from taskflow.attachments.service import ImportedAttachment
from taskflow.core.errors import Unprocessable
from taskflow.core.storage import Storage
from taskflow.db import utcnow
from taskflow.db.reads import Reader
from taskflow.projects import queries as projects_queries
from taskflow.projects import service as projects_service
from taskflow.projects.service import ProjectDraft
from taskflow.tasks import drafts as task_drafts
from taskflow.tasks import positions, project_reads, recurrence
from taskflow.tasks import queries as tasks_queries
from taskflow.tasks import sections as tasks_sections
from taskflow.tasks.drafts import TaskDraft
from taskflow.tasks.models import TaskStatus
from taskflow.transfer.archive import ImportArchive, archive_path, write_archive
from taskflow.transfer.schemas import (
    ExportAttachment,
    ExportComment,
    ExportDocument,
    ExportLabel,
    ExportProject,
    ExportSection,
    ExportTask,
    ImportResult,
)
from taskflow.users.models import User

# What an export copies from a project and a task as they are.
_PROJECT_FIELDS = ("id", "name", "description", "color", "is_inbox", "archived", "created_at")
_TASK_FIELDS = (
    "id", "parent_id", "section_id", "title", "description", "priority", "due_at",
    "due_all_day", "start_at", "recurrence", "recurrence_basis", "completed_at", "position",
    "created_at",
)  # fmt: skip
# What an import takes from an exported task as it is (ids and references are remapped).
_DRAFT_FIELDS = {"title", "description", "status", "priority", "due_at", "due_all_day",
                 "start_at", "recurrence", "recurrence_basis", "completed_at",
                 "created_at"}  # fmt: skip


def _task_order(task: ExportTask) -> tuple[int, float, str]:
    """Numbers (exports made before keys) before keys; each compared as such."""
    if isinstance(task.position, str):
        return (1, 0.0, task.position)
    return (0, task.position, "")


async def export_projects(
    session: Reader, user: User, *, files: dict[str, str] | None = None
) -> ExportDocument:
    """The projects the caller owns, with their labels, tasks, comments and attachments
    (linked by `url`; with `files`, also given their path in a zip, which `files` maps to
    their storage keys)."""
    projects = await projects_queries.owned_projects(session, user.id)
    project_ids = [project.id for project in projects]
    labels: dict[int, list[ExportLabel]] = defaultdict(list)
    tasks: dict[int, list[ExportTask]] = defaultdict(list)
    sections: dict[int, list[ExportSection]] = defaultdict(list)
    if project_ids:
        for section in await project_reads.sections_in(session, project_ids):
            sections[section.project_id].append(
                ExportSection(id=section.id, name=section.name, position=section.position)
            )
        for label in await project_reads.labels_in(session, project_ids):
            labels[label.project_id].append(
                ExportLabel(id=label.id, name=label.name, color=label.color)
            )
        task_rows = await project_reads.tasks_in(session, project_ids)
        links = await project_reads.label_links_in(session, project_ids)
        comments: dict[int, list[ExportComment]] = defaultdict(list)
        for comment, username in await project_reads.comments_in(session, project_ids):
            comments[comment.task_id].append(
                ExportComment(author=username, body=comment.body, created_at=comment.created_at)
            )
        attachments: dict[int, list[ExportAttachment]] = defaultdict(list)
        task_ids = [task.id for task in task_rows]
        for attachment, uploader in await attachments_queries.for_tasks(session, task_ids):
            public = attachments_service.public(attachment, uploader)
            path = None
            if files is not None:
                path = archive_path(attachment.sha256)
                files[path] = attachment.storage_key
            attachments[attachment.task_id].append(
                ExportAttachment(
                    filename=public.filename,
                    content_type=public.content_type,
                    size=public.size,
                    sha256=public.sha256,
                    created_at=public.created_at,
                    uploader=uploader,
                    url=public.url,
                    file=path,
                )
            )
        for task in task_rows:
            tasks[task.project_id].append(
                ExportTask(
                    **{name: getattr(task, name) for name in _TASK_FIELDS},
                    status=TaskStatus(task.status),
                    label_ids=links.get(task.id, []),
                    comments=comments[task.id],
                    attachments=attachments[task.id],
                )
            )
    return ExportDocument(
        exported_at=utcnow(),
        projects=[
            ExportProject(
                **{name: getattr(project, name) for name in _PROJECT_FIELDS},
                labels=labels[project.id],
                sections=sections[project.id],
                tasks=tasks[project.id],
            )
            for project in projects
        ],
    )


async def export_archive(session: Reader, user: User, storage: Storage) -> IO[bytes]:
    """The zip export (archive.py), in a temporary file to stream."""
    files: dict[str, str] = {}
    document = await export_projects(session, user, files=files)
    return await write_archive(document.model_dump_json().encode(), files, storage)


def validate_document(document: ExportDocument) -> None:
    """Every reference resolves and every rule holds, before anything is written (422)."""
    if sum(project.is_inbox for project in document.projects) > 1:
        raise Unprocessable("projects: at most one Inbox")
    project_ids: set[int] = set()
    task_ids: set[int] = set()
    section_ids: set[int] = set()
    for p_index, project in enumerate(document.projects):
        where = f"projects[{p_index}]"
        if project.id in project_ids:
            raise Unprocessable(f"{where}.id: duplicate project id {project.id}")
        project_ids.add(project.id)
        label_ids = {label.id for label in project.labels}
        if len(label_ids) != len(project.labels):
            raise Unprocessable(f"{where}.labels: duplicate label id")
        if len({label.name for label in project.labels}) != len(project.labels):
            raise Unprocessable(f"{where}.labels: duplicate label name")
        local_sections = {section.id for section in project.sections}
        if len(local_sections) != len(project.sections) or local_sections & section_ids:
            raise Unprocessable(f"{where}.sections: duplicate section id")
        section_ids |= local_sections
        local = {task.id: task for task in project.tasks}
        for t_index, task in enumerate(project.tasks):
            at = f"{where}.tasks[{t_index}]"
            if task.id in task_ids:
                raise Unprocessable(f"{at}.id: duplicate task id {task.id}")
            task_ids.add(task.id)
            if task.parent_id is not None:
                parent = local.get(task.parent_id)
                if parent is None:
                    raise Unprocessable(f"{at}.parent_id: no task {task.parent_id} in the project")
                if parent.parent_id is not None:
                    raise Unprocessable(f"{at}.parent_id: subtasks are one level deep")
            if task.section_id is not None and task.section_id not in local_sections:
                raise Unprocessable(f"{at}.section_id: no section {task.section_id} in the project")
            unknown = set(task.label_ids) - label_ids
            if unknown:
                raise Unprocessable(f"{at}.label_ids: no label {min(unknown)} in the project")
            _validate_times(task, at)


def _validate_times(task: ExportTask, at: str) -> None:
    """The rules a task's times obey, as in the API; a rule's series may have ended (an old
    export), so only its form is checked, not its future occurrences."""
    if task.start_at is not None and task.due_at is not None and task.start_at > task.due_at:
        raise Unprocessable(f"{at}.start_at: the start cannot be after due_at")
    if task.recurrence is None:
        return
    if task.due_at is None:
        raise Unprocessable(f"{at}.recurrence: a recurring task needs a due_at")
    try:
        task.recurrence = recurrence.parse(task.recurrence).body
    except recurrence.InvalidRule as error:
        raise Unprocessable(f"{at}.{error}") from None


async def import_projects(
    session: AsyncSession,
    user: User,
    document: ExportDocument,
    archive: ImportArchive | None = None,
    storage: Storage | None = None,
    max_attachment_bytes: int = 0,
) -> ImportResult:
    """Recreate the document's projects for the caller: new ids, the Inbox's tasks into the
    caller's Inbox, comments authored by the caller; from a zip (`archive`), the attachments
    too, uploaded by the caller. Validated whole first; one transaction. The projects and
    tasks services write it, a fixed number of statements in all."""
    validate_document(document)
    if archive is not None:
        _validate_files(document, archive)
    inbox = await projects_queries.inbox_id(session, user.id)

    # Projects (the Inbox is the caller's own), the caller owner of each new one.
    exported_new = [exported for exported in document.projects if not exported.is_inbox]
    created = await projects_service.create_many(
        session,
        user.id,
        [
            ProjectDraft(
                exported.name,
                description=exported.description,
                color=exported.color,
                archived=exported.archived,
                created_at=exported.created_at,
            )
            for exported in exported_new
        ],
    )
    targets = {
        exported.id: project.id for exported, project in zip(exported_new, created, strict=True)
    }
    targets.update({exported.id: inbox for exported in document.projects if exported.is_inbox})

    # Labels: the Inbox's existing labels are reused by name.
    label_ids = await task_drafts.ensure_labels(
        session,
        {
            targets[exported.id]: [(label.name, label.color) for label in exported.labels]
            for exported in document.projects
        },
    )
    label_map = {
        label.id: label_ids[targets[exported.id], label.name]
        for exported in document.projects
        for label in exported.labels
    }

    # Sections: new ones, also in the Inbox (its own keep theirs).
    exported_sections = [
        (exported, section) for exported in document.projects for section in exported.sections
    ]
    new_section_ids = await tasks_sections.create_many(
        session,
        [(targets[exported.id], s.name, s.position) for exported, s in exported_sections],
    )
    section_map = {
        section.id: new_id
        for (_, section), new_id in zip(exported_sections, new_section_ids, strict=True)
    }

    # Tasks: parents before subtasks, each project's in the order of their positions, given
    # new keys in that order (the Inbox's after what it holds).
    inbox_tasks = sum(len(exported.tasks) for exported in document.projects if exported.is_inbox)
    inbox_keys = iter(await tasks_queries.next_positions(session, inbox, inbox_tasks))
    drafts: list[TaskDraft] = []
    for exported in document.projects:
        ranked = sorted(exported.tasks, key=_task_order)
        keys = inbox_keys if exported.is_inbox else iter(positions.keys_after(None, len(ranked)))
        task_keys = {id(task): next(keys) for task in ranked}
        index = {task.id: len(drafts) + n for n, task in enumerate(exported.tasks)}
        drafts.extend(
            TaskDraft(
                **task.model_dump(include=_DRAFT_FIELDS),
                project_id=targets[exported.id],
                position=task_keys[id(task)],
                parent=index[task.parent_id] if task.parent_id is not None else None,
                section_id=section_map[task.section_id] if task.section_id is not None else None,
                label_ids=[label_map[label_id] for label_id in task.label_ids],
                comments=[(comment.body, comment.created_at) for comment in task.comments],
            )
            for task in exported.tasks
        )
    task_ids = await task_drafts.create_many(session, user.id, drafts)
    restored = 0
    if archive is not None and storage is not None:
        exported_tasks = [task for exported in document.projects for task in exported.tasks]
        restored = await _restore_files(
            session, user, exported_tasks, task_ids, archive, storage, max_attachment_bytes
        )
    await record_many(
        session,
        verb="project.imported",
        actor_id=user.id,
        changes=[
            (
                targets[exported.id],
                None,
                {"tasks": len(exported.tasks), "labels": len(exported.labels)},
            )
            for exported in document.projects
        ],
    )
    await session.flush()
    return ImportResult(projects=len(document.projects), tasks=len(drafts), attachments=restored)


def _validate_files(document: ExportDocument, archive: ImportArchive) -> None:
    for project in document.projects:
        for task in project.tasks:
            for attachment in task.attachments:
                if attachment.file is not None and not archive.has(attachment.file):
                    raise Unprocessable(f"The archive has no {attachment.file}")


async def _restore_files(
    session: AsyncSession,
    user: User,
    exported_tasks: list[ExportTask],
    task_ids: list[int],
    archive: ImportArchive,
    storage: Storage,
    max_bytes: int,
) -> int:
    """Each attachment's file from the zip into storage (checked against its size and sha256),
    then the rows; if anything fails, the files stored so far are removed again."""
    stored: list[ImportedAttachment] = []
    try:
        for exported, task_id in zip(exported_tasks, task_ids, strict=True):
            for attachment in exported.attachments:
                if attachment.file is None:
                    continue
                key, content_type = await attachments_service.store_verified(
                    storage,
                    archive.chunks(attachment.file, attachment.size),
                    size=attachment.size,
                    sha256=attachment.sha256,
                    max_bytes=max_bytes,
                )
                stored.append(
                    ImportedAttachment(
                        task_id=task_id,
                        filename=attachment.filename,
                        content_type=content_type,
                        size=attachment.size,
                        sha256=attachment.sha256,
                        storage_key=key,
                        created_at=attachment.created_at,
                    )
                )
        await attachments_service.add_imported(session, stored, user.id)
    except BaseException:
        await storage.delete([item.storage_key for item in stored])
        raise
    return len(stored)
