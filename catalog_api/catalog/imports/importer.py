"""Import a file of one kind: check every row, plan it, and (unless a dry run) apply it.

A real run writes each row in its own transaction through the editing commands (create → draft;
an existing record's open draft is updated, or a new draft opened from its published version),
so a bad row never stops the good ones; `atomic` writes every row in one transaction, and
nothing at all if any row is rejected. A row whose content equals the record's current content
writes nothing. `publish` (catalog administrators) submits each written draft as the system actor
`import` and publishes it as the person importing, so the version records both and four eyes
(`YICHUANG_FOUR_EYES`) still see two different actors; see docs/import.md.
"""

import asyncio
from collections.abc import AsyncIterator, Generator
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_api.auth import Principal, Role
from catalog_api.catalog import access
from catalog_api.catalog.errors import DomainError
from catalog_api.catalog.imports.apply import apply_row
from catalog_api.catalog.imports.list_files import LIST_FILES, list_rows
from catalog_api.catalog.imports.plan import Known, Outcome, Plan, plan_row, prefetch
from catalog_api.catalog.imports.readers import (
    ImportFileError,
    RawRow,
    Sheet,
    format_of,
    read_rows,
)
from catalog_api.catalog.imports.rows import Row, check_row, read_content, release
from catalog_api.catalog.imports.templates import TEMPLATES, Template
from catalog_api.catalog.kinds import KINDS, Kind
from catalog_api.db import Database, Tx
from models import Agency
from models.base import utc_now
from models.diff import FieldChange

BEIJING = timezone(timedelta(hours=8))
BATCH = 500  # rows a dry run plans from one read-ahead
KINDS_BY_SLUG = {
    "catalog-items": "catalog_item",
    "service-items": "service_item",
    "fee-items": "fee_item",
    "intermediary-services": "intermediary_service",
}


@dataclass
class RowReport:
    number: int
    code: str | None
    outcome: Outcome
    changes: list[FieldChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: list[RowReport] = field(default_factory=list)
    file_error: str | None = None
    written: bool = False  # whether anything was committed

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)

    @property
    def ok(self) -> bool:
        return self.file_error is None and self.count(Outcome.REJECTED) == 0


@dataclass(frozen=True)
class Options:
    dry_run: bool = False
    publish: bool = False
    atomic: bool = False
    max_bytes: int = 50 * 1024 * 1024
    change_note: str | None = None


class Progress:
    """Told the number of rows once they are read, then each row as it is done."""

    def start(self, total: int) -> None:
        return None

    def advance(self) -> None:
        return None


async def run_import(
    database: Database,
    path: Path,
    slug: str,
    principal: Principal,
    options: Options,
    progress: Progress | None = None,
) -> ImportReport:
    list_file = LIST_FILES.get(slug)
    template = list_file.template if list_file else TEMPLATES[slug]
    kind = list_file.kind if list_file else KINDS[KINDS_BY_SLUG[slug]]
    progress = progress or Progress()
    report = ImportReport(slug, options.dry_run)
    try:
        if options.publish and not principal.has(Role.CATALOG_ADMIN):
            raise ImportFileError(
                "发布（--publish 或 publish=true）仅限目录管理员（catalog_admin）使用"
            )
        if list_file is not None and format_of(path) == "jsonl":
            raise ImportFileError(f"{template.title}应为导出的 .xlsx 或 .csv 文件")
        # reading and checking a file is CPU work: off the event loop, so a service importing
        # a large file goes on answering everyone else
        sheet = await asyncio.to_thread(read_rows, path, template, options.max_bytes)
        async with database.read() as session:
            agencies = await _agencies(session)
        if list_file is not None:
            rows = await list_rows(database, list_file, sheet, utc_now())
        else:
            rows = await asyncio.to_thread(_check_rows, sheet, template, agencies)
    except ImportFileError as exc:
        report.file_error = str(exc)
        return report
    _reject_duplicates(rows, template)
    progress.start(len(rows))
    note = options.change_note or f"导入：{path.name}"
    source = None if list_file is not None else sheet  # list rows hold their edits already
    runner = _Runner(
        database, kind, principal, options, note, progress, report, agencies, source, template
    )
    if options.dry_run:
        await runner.dry_run(rows)
    elif options.atomic:
        await runner.atomic(rows)
    else:
        await runner.row_by_row(rows)
    report.rows.sort(key=lambda row: row.number)
    return report


def _check_rows(sheet: Sheet, template: Template, agencies: dict[str, Agency]) -> list[Row]:
    return [check_row(raw, sheet, template, agencies) for raw in sheet.rows()]


async def _agencies(session: AsyncSession) -> dict[str, Agency]:
    return {agency.uscc: agency for agency in (await session.execute(select(Agency))).scalars()}


def _reject_duplicates(rows: list[Row], template: Template) -> None:
    by_code: dict[str, list[Row]] = {}
    for row in rows:
        if row.code is not None:
            by_code.setdefault(row.code, []).append(row)
    header = template.by_key[template.code_key].header
    for code, same in by_code.items():
        if len(same) < 2:
            continue
        numbers = "、".join(str(row.number) for row in same)
        for row in same:
            row.errors.append(f"{row.code_ref} {header} {code} 在文件中重复出现（第{numbers}行）")


class _RowRejected(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class _Runner:
    database: Database
    kind: Kind
    principal: Principal
    options: Options
    note: str
    progress: Progress
    report: ImportReport
    agencies: dict[str, Agency]  # by USCC, read once: the access check needs a row's agency
    source: Sheet | None  # a template file, read again for its rows' content; None for lists
    template: Template
    created: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.agencies_by_id = {agency.id: agency for agency in self.agencies.values()}

    async def _batches(self, rows: list[Row]) -> AsyncIterator[list[Row]]:
        """`BATCH` rows at a time, their content read again from the file (off the event loop)
        and held only while the batch is worked on: a large file is never all held at once."""
        raws = self.source.rows() if self.source is not None else None
        try:
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                if raws is not None:
                    await asyncio.to_thread(self._load, batch, raws)
                yield batch
                for row in batch:
                    release(row)
        finally:
            if raws is not None:
                raws.close()  # an XLSX workbook stays open while its rows are read

    def _load(self, batch: list[Row], raws: Generator[RawRow]) -> None:
        assert self.source is not None
        for row in batch:
            raw = next(raws)
            assert raw.number == row.number  # the file is read again in the same order
            read_content(row, raw, self.source, self.template)

    async def dry_run(self, rows: list[Row]) -> None:
        """Planned in batches: three statements per `BATCH` rows, all in one read."""
        async with self.database.read() as session:
            async for batch in self._batches(rows):
                known = await prefetch(session, self.kind, [row for row in batch if row.ok])
                for row in batch:
                    await self._plan_only(session, row, known)

    async def _plan_only(self, session: AsyncSession, row: Row, known: Known) -> None:
        try:
            plan = await self._plan(session, row, known)
        except _RowRejected as exc:
            self._record(row, Outcome.REJECTED, errors=exc.errors)
        else:
            self._record(row, plan.outcome, plan.changes)

    async def row_by_row(self, rows: list[Row]) -> None:
        """Each batch is planned from one read-ahead; a row found unchanged or rejected there is
        done, and each row to write is planned again and written in a transaction of its own."""
        async for batch in self._batches(rows):
            async with self.database.read() as session:
                known = await prefetch(session, self.kind, [row for row in batch if row.ok])
                ahead = [await self._plan_ahead(session, row, known) for row in batch]
            for row, plan in zip(batch, ahead, strict=True):
                if plan is not None:
                    await self._write(row)

    async def _plan_ahead(self, session: AsyncSession, row: Row, known: Known) -> Plan | None:
        """The plan when the row needs writing; None when it is done (unchanged, rejected)."""
        try:
            plan = await self._plan(session, row, known)
        except _RowRejected as exc:
            self._record(row, Outcome.REJECTED, errors=exc.errors)
            return None
        if plan.outcome is Outcome.UNCHANGED:
            self._record(row, plan.outcome)
            return None
        return plan

    async def _write(self, row: Row) -> None:
        try:
            async with self.database.transaction() as tx:
                plan = await self._plan(tx.session, row)
                await self._apply(tx, row, plan)
        except _RowRejected as exc:
            self._record(row, Outcome.REJECTED, errors=exc.errors)
        else:
            self.report.written |= plan.outcome is not Outcome.UNCHANGED
            self._record(row, plan.outcome, plan.changes)

    async def atomic(self, rows: list[Row]) -> None:
        """Check every row first (nothing written if one fails), then write all in one go."""
        await self.dry_run(rows)
        if not self.report.ok:
            return
        self.report.rows.clear()
        self.created.clear()
        done: list[tuple[Row, Plan]] = []
        try:
            async with self.database.transaction() as tx, aclosing(self._batches(rows)) as batches:
                async for batch in batches:
                    for row in batch:
                        plan = await self._plan(tx.session, row)
                        await self._apply(tx, row, plan)
                        done.append((row, plan))
        except _RowRejected as exc:
            for earlier, plan in done:
                self.report.rows.append(_row_report(earlier, plan.outcome, plan.changes, []))
            self.report.rows.append(_row_report(rows[len(done)], Outcome.REJECTED, [], exc.errors))
            return
        for row, plan in done:
            self.report.rows.append(_row_report(row, plan.outcome, plan.changes, []))
        self.report.written = any(plan.outcome is not Outcome.UNCHANGED for _, plan in done)

    async def _plan(self, session: AsyncSession, row: Row, known: Known | None = None) -> Plan:
        if not row.ok:
            raise _RowRejected(row.errors)
        plan = await plan_row(
            session, self.kind, row, publish=self.options.publish, created=self.created, known=known
        )
        if plan.outcome is Outcome.REJECTED:
            raise _RowRejected(plan.errors)
        if plan.outcome is not Outcome.UNCHANGED:
            await self._ensure_may(session, row, plan)
        if plan.outcome is Outcome.CREATED:
            self.created.add(row.code or "")
        return plan

    async def _ensure_may(self, session: AsyncSession, row: Row, plan: Plan) -> None:
        agency = None
        if plan.record is not None:
            agency = self.agencies_by_id.get(getattr(plan.record, "agency_id", None))
            if agency is None:  # a catalog item (none), or an agency added since the run began
                agency = await access.agency_of(session, plan.record)
        elif "agency_uscc" in row.identity:
            agency = self.agencies[row.identity["agency_uscc"]]
        try:
            await access.ensure_may(
                session, self.principal, access.Action.EDIT, plan.record, agency
            )
        except access.Forbidden as exc:
            raise _RowRejected([f"{row.code_ref} 无权导入：{exc}"]) from None

    async def _apply(self, tx: Tx, row: Row, plan: Plan) -> None:
        if plan.outcome is Outcome.UNCHANGED:
            return
        try:
            await apply_row(
                tx,
                self.kind,
                row,
                plan,
                actor=self.principal.subject,
                note=self.note,
                publish=self.options.publish,
                effective_from=_effective_from(row),
            )
        except DomainError as exc:
            raise _RowRejected(
                [f"{row.code_ref} {error.message}" for error in exc.errors]
            ) from None

    def _record(
        self,
        row: Row,
        outcome: Outcome,
        changes: list[FieldChange] | None = None,
        errors: list[str] | None = None,
    ) -> None:
        self.report.rows.append(_row_report(row, outcome, changes or [], errors or []))
        self.progress.advance()


def _row_report(
    row: Row, outcome: Outcome, changes: list[FieldChange], errors: list[str]
) -> RowReport:
    return RowReport(row.number, row.code, outcome, changes, errors)


def _effective_from(row: Row) -> datetime | None:
    """Midnight Beijing time of the row's date; None (now) for today or a past date."""
    if row.effective_date is None:
        return None
    moment = datetime.combine(row.effective_date, datetime.min.time(), BEIJING)
    return moment if moment > datetime.now(BEIJING) else None
