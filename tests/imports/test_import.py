"""`yichuang import`: each bad input gets a clear answer with its cell, a dry run writes nothing,
a real run applies the good rows, `atomic` all or nothing, and importing twice changes nothing."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog_api.auth import Principal, Role
from catalog_api.catalog.imports.plan import Outcome
from catalog_api.catalog.kinds import CATALOG_ITEM, SERVICE_ITEM
from catalog_api.db import Database
from models import CatalogItem, CatalogItemVersion, ChangeEvent, ServiceItem, ServiceItemVersion
from models.diff import ChangeKind
from models.enums import VersionStatus
from tests import factories
from tests.conftest import SqlCounter
from tests.imports.helpers import errors, outcomes, run, write_csv, write_xlsx

SERVICE_HEADER = ["基本编码", "实施主体统一社会信用代码", "承诺办结时限", "办理地点"]
CATALOG_HEADER = ["基本编码", "事项名称", "行使层级"]


@pytest.fixture
async def catalog(database: Database) -> dict[str, str]:
    """Two published catalog items, an agency, and one published implementation of the first."""
    agency = await factories.agency(database)
    first, _ = await factories.published_catalog_item(database)
    second, _ = await factories.published_catalog_item(database)
    service, _ = await factories.published_service_item(database, first.code, agency.uscc)
    return {"uscc": agency.uscc, "first": first.code, "second": second.code, "code": service.code}


async def _counts(database: Database) -> tuple[int, ...]:
    async with database.read() as session:
        tables = (CatalogItem, CatalogItemVersion, ServiceItem, ServiceItemVersion, ChangeEvent)
        return tuple(
            [
                (await session.execute(select(func.count()).select_from(t))).scalar_one()
                for t in tables
            ]
        )


def _bad_uscc(uscc: str) -> str:
    wrong = "0" if uscc[17] != "0" else "1"
    return uscc[:17] + wrong


def _mixed_file(tmp_path: Path, catalog: dict[str, str]) -> Path:
    return write_csv(
        tmp_path / "items.csv",
        [
            SERVICE_HEADER,
            [
                catalog["first"],
                catalog["uscc"],
                '{"value":3,"unit":"1"}',
                "济南市历下区龙奥北路1号",
            ],
            [catalog["second"], catalog["uscc"], '{"value":2,"unit":"1"}', "济南市市中区"],
            [catalog["second"], _bad_uscc(catalog["uscc"]), "", "济南市"],
        ],
    )


async def test_a_dry_run_reports_each_row_and_writes_nothing(
    database: Database, catalog: dict[str, str], tmp_path: Path
) -> None:
    before = await _counts(database)

    report = await run(database, _mixed_file(tmp_path, catalog), "service-items", dry_run=True)

    assert outcomes(report) == [(2, Outcome.CHANGED), (3, Outcome.CREATED), (4, Outcome.REJECTED)]
    changed = {change.path: change for change in report.rows[0].changes}
    assert changed[("promised_time_limit", "value")].before == 5
    assert changed[("promised_time_limit", "value")].after == 3
    assert changed[("onsite_visits_reason",)].kind is ChangeKind.REMOVED  # the file replaces
    uscc = catalog["uscc"]
    assert errors(report)[4] == [
        f"B4 实施主体统一社会信用代码：统一社会信用代码校验位错误：{_bad_uscc(uscc)}，"
        f"第18位应为{uscc[17]}"
    ]
    assert await _counts(database) == before
    assert not report.written


async def test_a_real_run_applies_the_good_rows_and_rejects_the_bad_one(
    database: Database, catalog: dict[str, str], tmp_path: Path
) -> None:
    report = await run(database, _mixed_file(tmp_path, catalog), "service-items")

    assert outcomes(report) == [(2, Outcome.CHANGED), (3, Outcome.CREATED), (4, Outcome.REJECTED)]
    async with database.read() as session:
        record = (
            await session.execute(select(ServiceItem).where(ServiceItem.code == catalog["code"]))
        ).scalar_one()
    versions = await factories.versions_of(database, SERVICE_ITEM, record.id)
    assert [(v.number, v.status) for v in versions] == [
        (1, VersionStatus.PUBLISHED),
        (2, VersionStatus.DRAFT),
    ]
    assert versions[1].content["promised_time_limit"] == {"value": 3, "unit": "1"}
    assert versions[1].author == "admin@jinan"
    assert await factories.count_rows(database, ServiceItem) == 2


async def test_atomic_with_one_bad_row_writes_nothing(
    database: Database, catalog: dict[str, str], tmp_path: Path
) -> None:
    before = await _counts(database)

    report = await run(database, _mixed_file(tmp_path, catalog), "service-items", atomic=True)

    assert [outcome for _, outcome in outcomes(report)][2] is Outcome.REJECTED
    assert not report.written and not report.ok
    assert await _counts(database) == before


async def test_atomic_without_bad_rows_writes_them_all(
    database: Database, catalog: dict[str, str], tmp_path: Path
) -> None:
    path = _mixed_file(tmp_path, catalog)
    lines = path.read_text(encoding="utf-8-sig").splitlines()[:-1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = await run(database, path, "service-items", atomic=True)

    assert outcomes(report) == [(2, Outcome.CHANGED), (3, Outcome.CREATED)]
    assert report.written
    assert await factories.count_rows(database, ServiceItem) == 2


async def test_atomic_rolls_back_every_row_when_a_command_refuses_one_while_writing(
    database: Database, catalog: dict[str, str], tmp_path: Path
) -> None:
    path = _mixed_file(tmp_path, catalog)
    lines = path.read_text(encoding="utf-8-sig").splitlines()[:-1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = await _counts(database)

    # both rows plan cleanly; submitting the first finds a power item without its 权责清单
    report = await run(database, path, "service-items", atomic=True, publish=True)

    assert not report.ok and not report.written
    assert outcomes(report) == [(2, Outcome.REJECTED)]
    assert "A2 行政权力事项须列明至少一个办理环节的责任事项" in errors(report)[2]
    assert await _counts(database) == before


async def test_importing_the_same_file_again_changes_nothing(
    database: Database, catalog: dict[str, str], tmp_path: Path
) -> None:
    path = _mixed_file(tmp_path, catalog)
    await run(database, path, "service-items")
    before = await _counts(database)

    again = await run(database, path, "service-items")

    assert outcomes(again)[:2] == [(2, Outcome.UNCHANGED), (3, Outcome.UNCHANGED)]
    assert not again.written
    assert await _counts(database) == before


async def test_full_width_digits_and_spaces_in_codes_are_normalised(
    database: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "catalog.csv",
        [CATALOG_HEADER, ["３７０１ ６６６０１ ０００", "企业投资项目核准", '["3"]']],
    )

    report = await run(database, path, "catalog-items")

    assert outcomes(report) == [(2, Outcome.CREATED)]
    assert report.rows[0].code == "370166601000"
    async with database.read() as session:
        codes = list((await session.execute(select(CatalogItem.code))).scalars())
    assert codes == ["370166601000"]


async def test_codes_that_cannot_be_normalised_are_rejected_with_their_cell(
    database: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "catalog.csv",
        [
            ["事项名称", "行使层级", "基本编码"],
            ["甲", '["3"]', "37O166601000"],
            ["乙", '["3"]', "3701666010"],
            ["丙", "3", "370166602000"],
        ],
    )

    report = await run(database, path, "catalog-items")

    assert errors(report) == {
        2: ["C2 基本编码：基本编码格式错误：37O166601000"],
        3: ["C3 基本编码：基本编码应为12位，实为10位：3701666010"],
        4: ["B4 行使层级：Input should be a valid list"],
    }
    assert await factories.count_rows(database, CatalogItem) == 0


async def test_duplicate_codes_within_a_file_reject_both_rows(
    database: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "catalog.csv",
        [
            CATALOG_HEADER,
            ["370166601000", "甲", ""],
            ["370166602000", "乙", ""],
            ["3701 66601000", "丙", ""],
        ],
    )

    report = await run(database, path, "catalog-items")

    assert errors(report) == {
        2: ["A2 基本编码 370166601000 在文件中重复出现（第2、4行）"],
        4: ["A4 基本编码 370166601000 在文件中重复出现（第2、4行）"],
    }
    assert outcomes(report)[1] == (3, Outcome.CREATED)


async def test_wrong_headers_are_refused_for_the_whole_file(
    database: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "catalog.csv", [["基本编码", "事项名", "备注栏"], ["370166601000", "甲", ""]]
    )

    report = await run(database, path, "catalog-items")

    assert report.file_error == (
        "表头与模板不符（B1“事项名”不是基本目录事项模板的列；C1“备注栏”不是基本目录事项模板的列；"
        "缺少必填列：事项名称）。可用 yichuang import-template catalog-items 下载空白模板"
    )
    assert report.rows == []


async def test_merged_cells_are_refused_with_their_range(
    database: Database, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "catalog.xlsx",
        [CATALOG_HEADER, ["370166601000", "甲", None], ["370166602000", None, None]],
        merge="B2:B3",
    )

    report = await run(database, path, "catalog-items")

    assert report.file_error is not None and "含合并单元格 B2:B3" in report.file_error
    assert await factories.count_rows(database, CatalogItem) == 0


async def test_a_file_over_the_size_limit_is_refused_unread(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 2048)  # not even a valid file: it is never parsed

    report = await run(database, path, "catalog-items", max_bytes=1024)

    assert report.file_error == "文件 0.0 MB，超过导入上限 0 MB；请分成几个文件导入"


async def test_a_gb18030_csv_reads_like_utf8(database: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "catalog.csv",
        [CATALOG_HEADER, ["370166601000", "企业投资项目核准", ""]],
        encoding="gb18030",
    )

    report = await run(database, path, "catalog-items")

    assert outcomes(report) == [(2, Outcome.CREATED)]
    async with database.read() as session:
        version = (await session.execute(select(CatalogItemVersion))).scalar_one()
    assert version.content["name"] == "企业投资项目核准"


async def test_publish_takes_the_effective_date_as_agencies_type_it(
    database: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "catalog.csv",
        [
            [*CATALOG_HEADER, "生效日期"],
            ["370166601000", "甲", "", "2099年1月2日"],
            ["370166602000", "乙", "", "2026/02/30"],
            ["370166603000", "丙", "", "20200101"],
        ],
    )

    report = await run(database, path, "catalog-items", publish=True)

    assert outcomes(report) == [(2, Outcome.CREATED), (3, Outcome.REJECTED), (4, Outcome.CREATED)]
    assert errors(report)[3] == ["D3 生效日期：不存在的日期：2026/02/30"]
    async with database.read() as session:
        rows = (
            await session.execute(
                select(CatalogItem.code, CatalogItemVersion)
                .join(CatalogItemVersion, CatalogItemVersion.record_id == CatalogItem.id)
                .order_by(CatalogItem.code)
            )
        ).all()
    scheduled, now = rows[0][1], rows[1][1]
    assert scheduled.status == VersionStatus.PUBLISHED
    assert scheduled.effective_from == datetime(2099, 1, 1, 16, tzinfo=UTC)  # 00:00 Beijing
    assert (scheduled.submitted_by, scheduled.published_by) == ("import", "admin@jinan")
    assert now.effective_from <= datetime.now(UTC)  # a past date publishes at once


async def test_only_catalog_administrators_may_publish_and_editors_stay_in_scope(
    database: Database, catalog: dict[str, str], tmp_path: Path
) -> None:
    other = await factories.agency(
        database, region_code=factories.LIXIA, name="历下区行政审批服务局"
    )
    editor = Principal(
        subject="li@lixia", roles=frozenset({Role.EDITOR}), agencies=frozenset({other.uscc})
    )
    path = _mixed_file(tmp_path, catalog)

    refused = await run(database, path, "service-items", editor, publish=True)
    out_of_scope = await run(database, path, "service-items", editor)

    assert (
        refused.file_error == "发布（--publish 或 publish=true）仅限目录管理员（catalog_admin）使用"
    )
    assert errors(out_of_scope)[2] == ["A2 无权导入：“济南市行政审批服务局”不在您的管辖范围内"]


async def test_a_catalog_item_may_follow_its_parent_in_the_same_file(
    database: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "catalog.csv",
        [
            CATALOG_HEADER,
            ["37016660100Y", "主项", ""],
            ["370166601001", "子项", ""],
            ["370166602001", "无主的子项", ""],
        ],
    )

    dry = await run(database, path, "catalog-items", dry_run=True)
    real = await run(database, path, "catalog-items")

    for report in (dry, real):
        assert outcomes(report) == [
            (2, Outcome.CREATED),
            (3, Outcome.CREATED),
            (4, Outcome.REJECTED),
        ]
        assert errors(report)[4] == ["A4 上级事项 37016660200Y 不存在：请先导入或创建它"]
    record = await factories.record_of(
        database, CATALOG_ITEM, (await _id_of(database, "370166601001"))
    )
    assert record.parent_id is not None


async def _id_of(database: Database, code: str):  # type: ignore[no-untyped-def]
    async with database.read() as session:
        return (
            await session.execute(select(CatalogItem.id).where(CatalogItem.code == code))
        ).scalar_one()


async def test_a_given_implementation_code_must_be_the_derived_one(
    database: Database, catalog: dict[str, str], tmp_path: Path
) -> None:
    wrong = catalog["code"][:18] + "4" + catalog["code"][19:]
    path = write_csv(
        tmp_path / "items.csv",
        [["实施编码", *SERVICE_HEADER], [wrong, catalog["first"], catalog["uscc"], "", "济南市"]],
    )

    report = await run(database, path, "service-items", dry_run=True)

    assert errors(report) == {
        2: [
            f"A2 实施编码：与基本编码、实施主体和行使层级推导出的 {catalog['code']} 不一致：{wrong}"
        ]
    }


async def test_json_lines_name_the_line_and_key(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "catalog.jsonl"
    path.write_text(
        '{"code": "370166601000", "name": "甲", "levels": ["3"]}\n'
        '{"code": "370166602000", "name": "乙", "colour": "red"}\n'
        "not json\n"
        '{"code": "370166603000", "name": "丙", "levels": ["8"]}\n',
        encoding="utf-8",
    )

    report = await run(database, path, "catalog-items")

    assert outcomes(report)[0] == (1, Outcome.CREATED)
    assert errors(report)[2] == ["第2行：colour 不是基本目录事项模板的字段"]
    assert errors(report)[3][0].startswith("第3行不是有效的 JSON")
    assert errors(report)[4] == [
        "第4行 levels 行使层级：0：Input should be '1', '2', '3', '4', '5', '6' or '7'"
    ]


async def test_a_cell_outside_every_column_rejects_its_row(
    database: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "catalog.csv",
        [CATALOG_HEADER, ["370166601000", "甲", "", "多出来的一格"]],
    )

    report = await run(database, path, "catalog-items")

    assert errors(report) == {2: ["D2：此列没有表头，内容无法导入"]}


async def test_publish_of_a_changed_record_supersedes_its_published_version(
    database: Database, catalog: dict[str, str], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "catalog.csv",
        [CATALOG_HEADER, [catalog["first"], "食品经营许可（含小餐饮）", '["3","4"]']],
    )

    report = await run(database, path, "catalog-items", publish=True)

    assert outcomes(report) == [(2, Outcome.CHANGED)]
    versions = await factories.versions_of(
        database, CATALOG_ITEM, await _id_of(database, catalog["first"])
    )
    assert [(v.number, v.status) for v in versions] == [
        (1, VersionStatus.SUPERSEDED),
        (2, VersionStatus.PUBLISHED),
    ]
    assert versions[1].content["name"] == "食品经营许可（含小餐饮）"


async def test_a_written_row_costs_the_same_few_statements_however_many_rows(
    database: Database, tmp_path: Path, sql_counter: SqlCounter
) -> None:
    agency = await factories.agency(database)
    codes = []
    for _ in range(12):
        catalog_item, _ = await factories.published_catalog_item(database)
        await factories.published_service_item(database, catalog_item.code, agency.uscc)
        codes.append(catalog_item.code)
    header = ["基本编码", "实施主体统一社会信用代码", "办理时间"]

    async def statements(chosen: list[str]) -> int:
        path = write_csv(
            tmp_path / f"{len(chosen)}.csv",
            [header, *[[c, agency.uscc, "9:00-17:00"] for c in chosen]],
        )
        with sql_counter:
            report = await run(database, path, "service-items")
        assert {outcome for _, outcome in outcomes(report)} == {Outcome.CHANGED}
        return sql_counter.count

    four, eight = await statements(codes[:4]), await statements(codes[4:])

    per_row = (eight - four) / 4
    # re-planned in its transaction (record, draft, published version), then update_draft (the
    # record locked, draft, published version, next number, update, insert), the change
    # event's agency, the audit entry and the event; PostgreSQL adds the event lock (SQLite's
    # is BEGIN IMMEDIATE, not counted)
    assert per_row == (13 if database.dialect == "postgresql" else 12)
