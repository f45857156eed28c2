"""The contract every search backend keeps, as tests any backend can run unchanged.

A backend's test module subclasses `BackendContract` and provides a `backend` fixture: an opened,
empty `SearchBackend` built with the `analyzer` fixture (tests/search/conftest.py: the real
`Analyzer`, except that documents whose id starts with `FAIL_PREFIX` fail to analyse, so a bad
document in a batch can be made on purpose). The fixture closes the backend afterwards.

The sample catalog is a slice of Jinan: 山东省 370000 → 济南市 370100 → 历下区 370102 and
市中区 370103, with real-looking agencies, USCCs and implementation codes. Expectations for
filters and facets come from a plain-Python oracle over the same documents, so the tests check
the backend, not a hand-made table.
"""

import base64
import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pytest

from models.codes import uscc_check_char
from models.enums import Channel, ExerciseLevel, ItemType, OnlineDepth, ServiceObject
from search.analysis import Analyzer
from search.backend import SearchBackend, StaleOffset
from search.documents import (
    FacetField,
    Hit,
    PublicList,
    SearchDocument,
    SearchFilter,
    SearchPage,
)

FAIL_PREFIX = "fail:"


class ContractAnalyzer(Analyzer):
    """The real analyzer, except that it cannot analyse documents whose id starts with
    `FAIL_PREFIX`: a deterministic bad document for the batch-failure test."""

    def document(self, doc: SearchDocument):  # type: ignore[override]
        if doc.id.startswith(FAIL_PREFIX):
            raise ValueError(f"cannot analyse {doc.id} (made to fail by the contract tests)")
        return super().document(doc)


# --- the sample catalog ---------------------------------------------------------------------

SHANDONG, JINAN, LIXIA, SHIZHONG = "370000", "370100", "370102", "370103"
REGION_PATHS = {
    JINAN: (JINAN, SHANDONG),
    LIXIA: (LIXIA, JINAN, SHANDONG),
    SHIZHONG: (SHIZHONG, JINAN, SHANDONG),
}


def uscc(prefix: str, region: str, organisation: str) -> str:
    first17 = prefix + region + organisation
    return first17 + uscc_check_char(first17)


@dataclass(frozen=True)
class Agency:
    name: str
    uscc: str
    region: str


NATURAL_RESOURCES = Agency("济南市自然资源和规划局", uscc("11", JINAN, "MB2855163"), JINAN)
HOUSING = Agency("济南市住房和城乡建设局", uscc("11", JINAN, "004300198"), JINAN)
HOUSING_FUND = Agency("济南住房公积金中心", uscc("12", JINAN, "495571180"), JINAN)
CITY_APPROVAL = Agency("济南市行政审批服务局", uscc("11", JINAN, "MB2843165"), JINAN)
LIXIA_APPROVAL = Agency("济南市历下区行政审批服务局", uscc("11", LIXIA, "MB2857032"), LIXIA)
LIXIA_POLICE = Agency("济南市公安局历下区分局", uscc("11", LIXIA, "004300652"), LIXIA)
SHIZHONG_APPROVAL = Agency(
    "济南市市中区行政审批服务局", uscc("11", SHIZHONG, "MB2858101"), SHIZHONG
)
SHIZHONG_MARKET = Agency("济南市市中区市场监督管理局", uscc("11", SHIZHONG, "MB2856690"), SHIZHONG)

PERSON, ENTERPRISE, OTHER_ORG = (
    ServiceObject.NATURAL_PERSON.value,
    ServiceObject.ENTERPRISE.value,
    ServiceObject.OTHER_ORGANISATION.value,
)
GUIDE_TAIL = "办理地点：济南市政务服务中心。咨询电话：0531-12345。"


def item(
    id: str,
    name: str,
    agency: Agency,
    catalog_code: str,
    *,
    item_type: ItemType,
    level: ExerciseLevel,
    service_objects: Sequence[str],
    online_depth: OnlineDepth,
    onsite_visits: int,
    charging: bool,
    lists: Sequence[PublicList],
    channels: Sequence[Channel],
    aliases: Sequence[str] = (),
    conditions: str = "",
    materials: Sequence[str] = (),
    guide: str = "",
) -> SearchDocument:
    return SearchDocument(
        id=id,
        code=agency.uscc + level.value + catalog_code,  # 实施编码: USCC + level + basic code
        catalog_code=catalog_code,
        name=name,
        aliases=tuple(aliases),
        conditions=conditions,
        materials=tuple(materials),
        guide=f"{guide}实施机构：{agency.name}。{GUIDE_TAIL}",
        region_codes=REGION_PATHS[agency.region],
        agency_uscc=agency.uscc,
        item_type=item_type.value,
        level=level.value,
        service_objects=tuple(service_objects),
        online_depth=online_depth.value,
        onsite_visits=onsite_visits,
        charging=charging,
        lists=tuple(lists),
        channels=tuple(channels),
    )


L = PublicList
C = Channel

REAL_ESTATE = item(
    "si-bdcdj-city",
    "不动产登记",
    NATURAL_RESOURCES,
    "370700100000",
    item_type=ItemType.ADMINISTRATIVE_CONFIRMATION,
    level=ExerciseLevel.MUNICIPAL,
    service_objects=(PERSON, ENTERPRISE),
    online_depth=OnlineDepth.ONLINE_APPLICATION,
    onsite_visits=1,
    charging=True,
    lists=(L.POWER, L.FEE, L.ONE_TRIP),
    channels=(C.WINDOW, C.PC, C.BOOKING),
    aliases=("房产证办理",),
    conditions="申请人持不动产权属来源证明材料申请登记",
    materials=("不动产登记申请书", "不动产权属来源证明材料", "申请人身份证明"),
    guide="受理、审核、登簿、缮证、发证。",
)
MORTGAGE_LIXIA = item(
    "si-bdcdy-lixia",
    "不动产抵押登记",
    LIXIA_APPROVAL,
    "370700100002",
    item_type=ItemType.ADMINISTRATIVE_CONFIRMATION,
    level=ExerciseLevel.COUNTY,
    service_objects=(PERSON, ENTERPRISE),
    online_depth=OnlineDepth.FULLY_ONLINE,
    onsite_visits=0,
    charging=False,
    lists=(L.POWER, L.ZERO_TRIP, L.ONE_TRIP),
    channels=(C.PC, C.MOBILE),
    conditions="抵押合同已签订",
    materials=("抵押合同", "主债权合同"),
)
MORTGAGE_SHIZHONG = item(
    "si-bdcdy-shizhong",
    "不动产抵押登记",
    SHIZHONG_APPROVAL,
    "370700100002",
    item_type=ItemType.ADMINISTRATIVE_CONFIRMATION,
    level=ExerciseLevel.COUNTY,
    service_objects=(PERSON, ENTERPRISE),
    online_depth=OnlineDepth.ONLINE_APPLICATION,
    onsite_visits=1,
    charging=False,
    lists=(L.POWER, L.ONE_TRIP),
    channels=(C.WINDOW, C.PC),
    conditions="抵押合同已签订",
    materials=("抵押合同", "主债权合同"),
)
ID_CARD = item(
    "si-sfz-lixia",
    "居民身份证申领",
    LIXIA_POLICE,
    "372000300100",
    item_type=ItemType.PUBLIC_SERVICE,
    level=ExerciseLevel.COUNTY,
    service_objects=(PERSON,),
    online_depth=OnlineDepth.ONLINE_PREREVIEW,
    onsite_visits=1,
    charging=False,
    lists=(L.PUBLIC_SERVICE, L.ONE_TRIP),
    channels=(C.WINDOW, C.BOOKING),
    aliases=("办身份证",),
    conditions="年满十六周岁的中国公民应当申领居民身份证",
    materials=("居民户口簿",),
)
HOUSING_FUND_WITHDRAWAL = item(
    "si-gjjtq-city",
    "住房公积金提取",
    HOUSING_FUND,
    "372000400200",
    item_type=ItemType.PUBLIC_SERVICE,
    level=ExerciseLevel.MUNICIPAL,
    service_objects=(PERSON,),
    online_depth=OnlineDepth.FULLY_ONLINE,
    onsite_visits=0,
    charging=False,
    lists=(L.PUBLIC_SERVICE, L.ZERO_TRIP, L.ONE_TRIP),
    channels=(C.PC, C.MOBILE, C.SELF_SERVICE),
    conditions="购买、建造、翻建、大修自住住房的",
    materials=("购房合同",),
)
FOOD_LICENCE = item(
    "si-spjy-shizhong",
    "食品经营许可",
    SHIZHONG_MARKET,
    "370100500100",
    item_type=ItemType.ADMINISTRATIVE_LICENSING,
    level=ExerciseLevel.COUNTY,
    service_objects=(ENTERPRISE, OTHER_ORG),
    online_depth=OnlineDepth.ONLINE_APPLICATION,
    onsite_visits=2,
    charging=False,
    lists=(L.POWER,),
    channels=(C.WINDOW, C.PC, C.EXPRESS),
    conditions="具有与经营的食品品种、数量相适应的经营场所",
    materials=("食品经营许可申请书", "营业执照"),
)
COMPANY_REGISTRATION = item(
    "si-qysl-city",
    "企业设立登记",
    CITY_APPROVAL,
    "370100200300",
    item_type=ItemType.ADMINISTRATIVE_LICENSING,
    level=ExerciseLevel.MUNICIPAL,
    service_objects=(ENTERPRISE,),
    online_depth=OnlineDepth.FULLY_ONLINE,
    onsite_visits=0,
    charging=False,
    lists=(L.POWER, L.ZERO_TRIP, L.ONE_TRIP),
    channels=(C.PC, C.MOBILE, C.WINDOW),
    aliases=("开办企业",),
    materials=("公司登记申请书", "公司章程"),
    guide="企业设立后可办理住房公积金单位缴存登记。",
)
CONTRACT_FILING = item(
    "si-wqba-city",
    "商品房买卖合同网签备案",
    HOUSING,
    "371000600100",
    item_type=ItemType.OTHER_ADMINISTRATIVE_POWER,
    level=ExerciseLevel.MUNICIPAL,
    service_objects=(PERSON, ENTERPRISE),
    online_depth=OnlineDepth.ONLINE_APPLICATION,
    onsite_visits=2,
    charging=True,
    lists=(L.POWER, L.FEE),
    channels=(C.WINDOW,),
    materials=("商品房买卖合同",),
    guide="网签备案完成后方可申请不动产登记。",
)

CATALOG = (
    REAL_ESTATE,
    MORTGAGE_LIXIA,
    MORTGAGE_SHIZHONG,
    ID_CARD,
    HOUSING_FUND_WITHDRAWAL,
    FOOD_LICENCE,
    COMPANY_REGISTRATION,
    CONTRACT_FILING,
)
BY_ID = {doc.id: doc for doc in CATALOG}
EVERYWHERE = "济南"  # in every document's guide

HOSTILE_QUERIES = (
    '"',
    '"""',
    '不动产"登记',
    "*",
    "不动产*",
    "登记 NEAR 不动产",
    "NEAR(不动产 登记, 2)",
    "不动产 AND 登记",
    "不动产 OR",
    "NOT 登记",
    "AND OR NOT",
    "(((",
    "不动产)",
    "[登记]",
    "{name}: 不动产",
    "name:不动产",
    "{pinyin aliases} : bdc*",
    "- 登记",
    "^登记",
    "+登记 -不动产",
    "😀🏠",
    "不动产😀登记",
    "\x00",
    "不动\x00产",
    "\ud800登记",
    "'; DROP TABLE meta; --",
    "\\",
    "　　",  # full-width spaces only
    "ＡＮＤ　ＯＲ",
    "b" * 500,
    "登记" * 5000,  # 10,000 characters
    "".join(chr(c) for c in range(0x4E00, 0x4E00 + 10_000)),
)


# --- helpers ----------------------------------------------------------------------------------


async def index(
    backend: SearchBackend, documents: Sequence[SearchDocument], deletes: Sequence[str] = ()
) -> list:
    """Apply at the backend's current offset, moving it on by one."""
    state = await backend.state()
    return await backend.apply(
        documents, deletes, expected_offset=state.offset, new_offset=state.offset + 1
    )


async def search(
    backend: SearchBackend,
    analyzer: Analyzer,
    text: str,
    where: SearchFilter | None = None,
    first: int = 50,
    after: str | None = None,
) -> SearchPage:
    return await backend.search(analyzer.query(text), where or SearchFilter(), first, after)


async def ids(backend: SearchBackend, analyzer: Analyzer, text: str, **where: object) -> list[str]:
    page = await search(backend, analyzer, text, SearchFilter(**where))  # type: ignore[arg-type]
    return [hit.id for hit in page.hits]


async def all_hits(
    backend: SearchBackend, analyzer: Analyzer, text: str, where: SearchFilter, size: int
) -> tuple[list[Hit], list[SearchPage]]:
    hits: list[Hit] = []
    pages: list[SearchPage] = []
    after = None
    while True:
        page = await search(backend, analyzer, text, where, size, after)
        pages.append(page)
        hits.extend(page.hits)
        if page.next_cursor is None:
            return hits, pages
        assert len(page.hits) == size
        after = page.next_cursor
        assert len(pages) <= 100, "pagination does not end"


def matches(doc: SearchDocument, where: SearchFilter) -> bool:
    """The filter semantics, in plain Python."""
    return (
        (where.region is None or where.region in doc.region_codes)
        and (where.agency is None or doc.agency_uscc == where.agency)
        and (not where.item_types or doc.item_type in where.item_types)
        and (not where.levels or doc.level in where.levels)
        and (
            not where.service_objects or bool(set(where.service_objects) & set(doc.service_objects))
        )
        and (not where.online_depths or doc.online_depth in where.online_depths)
        and (where.max_trips is None or doc.onsite_visits <= where.max_trips)
        and (where.charging is None or doc.charging == where.charging)
        and (not where.lists or bool(set(where.lists) & set(doc.lists)))
        and (not where.channels or bool(set(where.channels) & set(doc.channels)))
    )


def expected_values(doc: SearchDocument) -> dict[str, tuple[str, ...]]:
    trips = "0" if doc.onsite_visits <= 0 else "1" if doc.onsite_visits == 1 else "2+"
    return {
        FacetField.ITEM_TYPE: (doc.item_type,),
        FacetField.AGENCY: (doc.agency_uscc,),
        FacetField.REGION: doc.region_codes[:1],
        FacetField.LEVEL: (doc.level,),
        FacetField.SERVICE_OBJECT: doc.service_objects,
        FacetField.ONLINE_DEPTH: (doc.online_depth,),
        FacetField.TRIPS: (trips,),
        FacetField.CHARGING: ("true" if doc.charging else "false",),
        FacetField.LIST: doc.lists,
        FacetField.CHANNEL: doc.channels,
    }


def expected_facets(documents: Sequence[SearchDocument]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {field.value: Counter() for field in FacetField}
    for doc in documents:
        for field, values in expected_values(doc).items():
            counts[field].update(set(values))
    return {field: dict(counter) for field, counter in counts.items()}


def facets_of(page: SearchPage) -> dict[str, dict[str, int]]:
    return {facet.field: {b.value: b.count for b in facet.buckets} for facet in page.facets}


FILTERS = (
    SearchFilter(region=SHANDONG),
    SearchFilter(region=JINAN),
    SearchFilter(region=LIXIA),
    SearchFilter(region=SHIZHONG),
    SearchFilter(region="370104"),  # 槐荫区: nothing indexed there
    SearchFilter(agency=NATURAL_RESOURCES.uscc),
    SearchFilter(agency=LIXIA_POLICE.uscc),
    SearchFilter(item_types=[ItemType.ADMINISTRATIVE_LICENSING.value]),
    SearchFilter(
        item_types=[ItemType.PUBLIC_SERVICE.value, ItemType.OTHER_ADMINISTRATIVE_POWER.value]
    ),
    SearchFilter(levels=[ExerciseLevel.COUNTY.value]),
    SearchFilter(service_objects=[OTHER_ORG]),
    SearchFilter(service_objects=[ENTERPRISE, OTHER_ORG]),
    SearchFilter(online_depths=[OnlineDepth.FULLY_ONLINE.value]),
    SearchFilter(max_trips=0),
    SearchFilter(max_trips=1),
    SearchFilter(charging=True),
    SearchFilter(charging=False),
    SearchFilter(lists=[L.FEE.value]),
    SearchFilter(lists=[L.ZERO_TRIP.value, L.PUBLIC_SERVICE.value]),
    SearchFilter(channels=[C.MOBILE.value]),
    SearchFilter(channels=[C.EXPRESS.value, C.BOOKING.value]),
    SearchFilter(region=LIXIA, max_trips=0, lists=[L.ZERO_TRIP.value]),
    SearchFilter(region=JINAN, item_types=["07"], charging=False, channels=[C.WINDOW.value]),
)


# --- the contract -----------------------------------------------------------------------------


class BackendContract:
    """Subclass as `Test<Backend>` in a module that provides the `backend` fixture."""

    # Writing

    async def test_a_new_index_is_empty_at_offset_zero(self, backend, analyzer):
        state = await backend.state()
        assert (state.offset, state.documents) == (0, 0)
        assert state.generation
        assert (await search(backend, analyzer, "不动产登记")).total == 0

    async def test_indexed_documents_are_found_and_counted(self, backend, analyzer):
        assert await index(backend, CATALOG) == []
        state = await backend.state()
        assert (state.offset, state.documents) == (1, len(CATALOG))
        page = await search(backend, analyzer, "食品经营许可")
        assert page.hits[0].id == FOOD_LICENCE.id
        assert page.hits[0].code == FOOD_LICENCE.code
        assert page.hits[0].score > 0

    async def test_an_upsert_replaces_the_indexed_version(self, backend, analyzer):
        await index(backend, CATALOG)
        renamed = replace(ID_CARD, name="居民身份证换领", aliases=(), conditions="有效期满换领")
        await index(backend, [renamed])
        assert (await backend.state()).documents == len(CATALOG)
        assert ID_CARD.id not in await ids(backend, analyzer, "申领")
        assert await ids(backend, analyzer, "换领") == [ID_CARD.id]
        page = await search(backend, analyzer, "居民身份证")
        assert [hit.id for hit in page.hits].count(ID_CARD.id) == 1

    async def test_a_batch_with_the_same_id_twice_keeps_the_last(self, backend, analyzer):
        first = replace(FOOD_LICENCE, name="食品生产许可")
        assert await index(backend, [first, FOOD_LICENCE]) == []
        assert (await backend.state()).documents == 1
        assert await ids(backend, analyzer, "生产") == []
        assert await ids(backend, analyzer, "经营") == [FOOD_LICENCE.id]

    async def test_deletes_remove_and_missing_ids_are_fine(self, backend, analyzer):
        await index(backend, CATALOG)
        assert await index(backend, [], [FOOD_LICENCE.id, "never-indexed"]) == []
        assert (await backend.state()).documents == len(CATALOG) - 1
        assert await ids(backend, analyzer, "食品经营许可") == []
        assert (await search(backend, analyzer, EVERYWHERE)).total == len(CATALOG) - 1

    async def test_upserts_and_deletes_in_one_step(self, backend, analyzer):
        await index(backend, CATALOG[:4])
        await index(backend, CATALOG[4:], [REAL_ESTATE.id])
        state = await backend.state()
        assert (state.offset, state.documents) == (2, len(CATALOG) - 1)
        assert REAL_ESTATE.id not in await ids(backend, analyzer, "不动产登记")
        assert await ids(backend, analyzer, "企业设立") == [COMPANY_REGISTRATION.id]

    async def test_one_step_can_update_the_newest_delete_another_and_add(self, backend, analyzer):
        first, *rest = CATALOG
        await index(backend, CATALOG)
        renamed = replace(rest[-1], name=f"{rest[-1].name}（更名）")  # the newest document
        newcomer = replace(FOOD_LICENCE, id="newcomer", name="小餐饮登记", code="NEWCOMER")
        await index(backend, [renamed, newcomer], [first.id])
        state = await backend.state()
        assert state.documents == len(CATALOG)  # one deleted, one added
        assert await ids(backend, analyzer, "更名") == [renamed.id]
        assert newcomer.id in await ids(backend, analyzer, "小餐饮")
        assert first.id not in await ids(backend, analyzer, first.name)

    async def test_a_stale_offset_writes_nothing(self, backend, analyzer):
        await backend.apply([REAL_ESTATE], [], expected_offset=0, new_offset=7)
        with pytest.raises(StaleOffset):
            await backend.apply([FOOD_LICENCE], [REAL_ESTATE.id], expected_offset=6, new_offset=9)
        state = await backend.state()
        assert (state.offset, state.documents) == (7, 1)
        assert await ids(backend, analyzer, "食品经营") == []
        assert await ids(backend, analyzer, "不动产登记") == [REAL_ESTATE.id]
        await backend.apply([FOOD_LICENCE], [], expected_offset=7, new_offset=9)
        assert (await backend.state()).offset == 9

    async def test_a_bad_document_is_reported_and_the_rest_indexed(self, backend, analyzer):
        bad = replace(FOOD_LICENCE, id=FAIL_PREFIX + "food", code="BAD")
        failures = await index(backend, [*CATALOG[:3], bad, *CATALOG[3:]])
        assert [failure.id for failure in failures] == [bad.id]
        assert failures[0].reason
        state = await backend.state()
        assert (state.offset, state.documents) == (1, len(CATALOG))
        assert (await search(backend, analyzer, EVERYWHERE)).total == len(CATALOG)

    async def test_a_document_that_is_not_well_typed_is_reported(self, backend, analyzer):
        odd = replace(ID_CARD, id="si-odd", name=12345)  # type: ignore[arg-type]
        failures = await index(backend, [odd, REAL_ESTATE])
        assert [failure.id for failure in failures] == ["si-odd"]
        assert await ids(backend, analyzer, "不动产登记") == [REAL_ESTATE.id]

    async def test_unencodable_text_in_a_document_never_breaks_the_batch(self, backend, analyzer):
        odd = replace(ID_CARD, id="si-surrogate", name="居民\ud800身份证申领", guide="\x00济南")
        failures = await index(backend, [odd, REAL_ESTATE])
        assert {failure.id for failure in failures} <= {"si-surrogate"}
        assert await ids(backend, analyzer, "不动产登记") == [REAL_ESTATE.id]

    # Matching and ranking

    async def test_a_name_match_ranks_above_a_guide_match(self, backend, analyzer):
        await index(backend, CATALOG)
        found = await ids(backend, analyzer, "公积金")
        assert found[:2] == [HOUSING_FUND_WITHDRAWAL.id, COMPANY_REGISTRATION.id]
        found = await ids(backend, analyzer, "不动产登记")
        assert found[0] == REAL_ESTATE.id
        assert found.index(REAL_ESTATE.id) < found.index(CONTRACT_FILING.id)

    async def test_scores_are_positive_and_ordered(self, backend, analyzer):
        await index(backend, CATALOG)
        page = await search(backend, analyzer, "不动产登记")
        scores = [hit.score for hit in page.hits]
        assert all(score > 0 for score in scores)
        assert scores == sorted(scores, reverse=True)

    async def test_a_two_character_query_matches(self, backend, analyzer):
        await index(backend, CATALOG)
        assert await ids(backend, analyzer, "提取") == [HOUSING_FUND_WITHDRAWAL.id]
        assert (await ids(backend, analyzer, "申领"))[0] == ID_CARD.id
        assert (await ids(backend, analyzer, "动产"))[0] == REAL_ESTATE.id

    async def test_pinyin_and_initials_find_the_name(self, backend, analyzer):
        await index(backend, CATALOG)
        assert (await ids(backend, analyzer, "bdcdj"))[0] == REAL_ESTATE.id
        found = await ids(backend, analyzer, "budongchan")
        assert set(found[:3]) == {REAL_ESTATE.id, MORTGAGE_LIXIA.id, MORTGAGE_SHIZHONG.id}
        assert (await ids(backend, analyzer, "zhufanggongjijin"))[0] == HOUSING_FUND_WITHDRAWAL.id

    async def test_aliases_are_searched(self, backend, analyzer):
        await index(backend, CATALOG)
        assert (await ids(backend, analyzer, "房产证"))[0] == REAL_ESTATE.id

    async def test_an_empty_query_gives_an_empty_page(self, backend, analyzer):
        await index(backend, CATALOG)
        for text in ("", "   ", "，。！"):
            page = await search(backend, analyzer, text, SearchFilter(region=JINAN))
            assert (page.total, page.hits, page.next_cursor) == (0, (), None)

    async def test_highlights_mark_the_matches(self, backend, analyzer):
        await index(backend, CATALOG)
        page = await search(backend, analyzer, "不动产")
        assert page.hits
        for hit in page.hits:
            assert any("<em>" in highlight.fragment for highlight in hit.highlights), hit
        top = page.hits[0]
        assert top.id == REAL_ESTATE.id
        assert any(h.field == "name" and "<em>不动产</em>" in h.fragment for h in top.highlights)

    # Filters and facets

    @pytest.mark.parametrize("where", FILTERS, ids=lambda where: _describe(where))
    async def test_each_filter_keeps_exactly_the_matching_documents(self, backend, analyzer, where):
        await index(backend, CATALOG)
        found = await ids(backend, analyzer, EVERYWHERE, **_as_kwargs(where))
        expected = {doc.id for doc in CATALOG if matches(doc, where)}
        assert sorted(found) == sorted(expected)

    async def test_the_region_filter_includes_sub_regions(self, backend, analyzer):
        await index(backend, CATALOG)
        assert set(await ids(backend, analyzer, "不动产登记", region=JINAN)) >= {
            REAL_ESTATE.id,
            MORTGAGE_LIXIA.id,
            MORTGAGE_SHIZHONG.id,
        }
        assert set(await ids(backend, analyzer, "不动产登记", region=LIXIA)) == {MORTGAGE_LIXIA.id}

    async def test_filters_also_narrow_a_text_match(self, backend, analyzer):
        await index(backend, CATALOG)
        found = await ids(backend, analyzer, "登记", max_trips=0)
        assert set(found) == {MORTGAGE_LIXIA.id, COMPANY_REGISTRATION.id}

    async def test_facets_count_every_hit_not_just_the_page(self, backend, analyzer):
        await index(backend, CATALOG)
        for where in (SearchFilter(), SearchFilter(region=JINAN, charging=False)):
            hits, pages = await all_hits(backend, analyzer, EVERYWHERE, where, size=3)
            documents = [BY_ID[hit.id] for hit in hits]
            assert len(pages) > 1
            expected = expected_facets(documents)
            for page in pages:
                assert page.total == len(hits)
                assert [facet.field for facet in page.facets] == [f.value for f in FacetField]
                assert facets_of(page) == expected

    async def test_facets_follow_upserts_and_deletes(self, backend, analyzer):
        await index(backend, CATALOG)
        moved = replace(
            FOOD_LICENCE,
            agency_uscc=LIXIA_APPROVAL.uscc,
            region_codes=REGION_PATHS[LIXIA],
            onsite_visits=0,
            lists=(L.POWER, L.ZERO_TRIP),
            channels=(C.MOBILE,),
        )
        await index(backend, [moved], [CONTRACT_FILING.id, ID_CARD.id])
        indexed = [moved if doc.id == moved.id else doc for doc in CATALOG]
        indexed = [doc for doc in indexed if doc.id not in {CONTRACT_FILING.id, ID_CARD.id}]
        page = await search(backend, analyzer, EVERYWHERE, first=2)
        assert page.total == len(indexed)
        assert facets_of(page) == expected_facets(indexed)
        narrowed = await search(backend, analyzer, EVERYWHERE, SearchFilter(region=LIXIA))
        lixia = [doc for doc in indexed if LIXIA in doc.region_codes]
        assert facets_of(narrowed) == expected_facets(lixia)

    async def test_facet_buckets_are_sorted_by_count_then_value(self, backend, analyzer):
        await index(backend, CATALOG)
        page = await search(backend, analyzer, EVERYWHERE, first=1)
        for facet in page.facets:
            keys = [(-bucket.count, bucket.value) for bucket in facet.buckets]
            assert keys == sorted(keys), facet.field
        region = facets_of(page)[FacetField.REGION]
        assert region == {JINAN: 4, LIXIA: 2, SHIZHONG: 2}  # the agency's own region only
        assert facets_of(page)[FacetField.TRIPS] == {"0": 3, "1": 3, "2+": 2}
        assert facets_of(page)[FacetField.CHARGING] == {"true": 2, "false": 6}

    # Pagination

    async def test_pages_cover_every_hit_once_in_order(self, backend, analyzer):
        await index(backend, CATALOG)
        for size in (1, 3, 8, 50):
            hits, pages = await all_hits(backend, analyzer, EVERYWHERE, SearchFilter(), size)
            assert sorted(hit.id for hit in hits) == sorted(BY_ID)
            assert len(pages) == -(-len(CATALOG) // size)
            keys = [(-hit.score, hit.code) for hit in hits]
            assert keys == sorted(keys)
            assert pages[-1].next_cursor is None

    async def test_pagination_is_stable_when_scores_tie(self, backend, analyzer):
        twins = [
            replace(FOOD_LICENCE, id=f"si-spjy-{n:02}", code=f"{FOOD_LICENCE.code[:-2]}{n:02}")
            for n in range(23)
        ]
        await index(backend, twins)
        hits, pages = await all_hits(backend, analyzer, "食品经营", SearchFilter(), size=4)
        assert [hit.code for hit in hits] == sorted(twin.code for twin in twins)
        assert len({hit.score for hit in hits}) == 1
        assert len(pages) == 6

    async def test_an_invalid_cursor_is_a_value_error(self, backend, analyzer):
        await index(backend, CATALOG)
        junk = base64.urlsafe_b64encode(json.dumps({"a": 1}).encode()).decode()
        for cursor in ("", "not a cursor", "!!!", "eyJ", junk, "x" * 10_000):
            with pytest.raises(ValueError):
                await search(backend, analyzer, EVERYWHERE, first=2, after=cursor)

    async def test_a_cursor_outlives_changes_to_the_index(self, backend, analyzer):
        await index(backend, CATALOG)
        first = await search(backend, analyzer, "不动产抵押登记", first=1)
        assert first.next_cursor is not None
        await index(backend, [], [hit.id for hit in (await search(backend, analyzer, "抵押")).hits])
        page = await search(backend, analyzer, "不动产抵押登记", first=1, after=first.next_cursor)
        assert MORTGAGE_LIXIA.id not in [hit.id for hit in page.hits]
        assert MORTGAGE_SHIZHONG.id not in [hit.id for hit in page.hits]

    # Hostile input

    async def test_hostile_queries_never_raise(self, backend, analyzer):
        await index(backend, CATALOG)
        for text in HOSTILE_QUERIES:
            page = await search(backend, analyzer, text, first=5)
            assert page.total >= len(page.hits), text[:30]
            assert isinstance(await backend.suggest(analyzer.prefix(text), 5), list)
            narrowed = await search(
                backend, analyzer, text, SearchFilter(region=text, lists=[text]), first=5
            )
            assert narrowed.total == 0

    async def test_random_input_never_raises(self, backend, analyzer):
        await index(backend, CATALOG)
        rng = random.Random(20240601)
        alphabet = "\"*(){}[]:^-+,.;'\\ \t\n\x00ANDORNOTnearNEAR不动产登记申领许可😀\ud800\u3000Ａ"
        for _ in range(100):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
            page = await search(backend, analyzer, text, first=3)
            assert page.total >= len(page.hits)
            await backend.suggest(analyzer.prefix(text), 3)

    async def test_operators_are_searched_as_words(self, backend, analyzer):
        await index(backend, CATALOG)
        assert (await ids(backend, analyzer, "不动产 AND 登记"))[0] == REAL_ESTATE.id
        assert (await ids(backend, analyzer, '"不动产登记'))[0] == REAL_ESTATE.id
        assert (await ids(backend, analyzer, "{name}: 不动产登记"))[0] == REAL_ESTATE.id

    # Suggestions

    async def test_suggestions_by_chinese_prefix(self, backend, analyzer):
        await index(backend, CATALOG)
        found = await backend.suggest(analyzer.prefix("不动产"), 10)
        # Two implementations of 不动产抵押登记 outweigh the shorter name with one.
        assert [s.text for s in found] == ["不动产抵押登记", "不动产登记"]
        assert found[1].catalog_code == REAL_ESTATE.catalog_code
        assert [s.text for s in await backend.suggest(analyzer.prefix("不动产"), 1)] == [
            "不动产抵押登记"
        ]
        assert [s.text for s in await backend.suggest(analyzer.prefix("食品"), 10)] == [
            "食品经营许可"
        ]

    async def test_suggestions_by_pinyin_prefix(self, backend, analyzer):
        await index(backend, CATALOG)
        for typed in ("bdcdj", "budongchan", "bdc"):
            names = [s.text for s in await backend.suggest(analyzer.prefix(typed), 10)]
            assert "不动产登记" in names, typed
        names = [s.text for s in await backend.suggest(analyzer.prefix("zhufang"), 10)]
        assert names == ["住房公积金提取"]

    async def test_suggestions_follow_upserts_and_deletes(self, backend, analyzer):
        await index(backend, CATALOG)
        await index(backend, [], [MORTGAGE_LIXIA.id, MORTGAGE_SHIZHONG.id])
        names = [s.text for s in await backend.suggest(analyzer.prefix("不动产"), 10)]
        assert names == ["不动产登记"]
        await index(backend, [replace(FOOD_LICENCE, name="食品生产许可")])
        names = [s.text for s in await backend.suggest(analyzer.prefix("食品"), 10)]
        assert names == ["食品生产许可"]

    async def test_no_prefix_no_suggestions(self, backend, analyzer):
        await index(backend, CATALOG)
        assert await backend.suggest(analyzer.prefix(""), 10) == []
        assert await backend.suggest(analyzer.prefix("不动产"), 0) == []
        assert await backend.suggest(analyzer.prefix("火星移民"), 10) == []

    # Rebuilds

    async def test_a_rebuild_serves_the_old_index_until_it_is_switched(self, backend, analyzer):
        await index(backend, CATALOG[:5])
        before = await backend.state()
        rebuild = await backend.begin_rebuild(40)
        assert await rebuild.add(CATALOG[4:6]) == []
        assert await rebuild.add(CATALOG[6:]) == []
        # The serving index answers, and the indexer keeps writing to it meanwhile.
        assert await ids(backend, analyzer, "食品经营许可") == []
        assert (await ids(backend, analyzer, "居民身份证申领"))[0] == ID_CARD.id
        await index(backend, [REAL_ESTATE])
        assert (await backend.state()).generation == before.generation
        await rebuild.switch()
        after = await backend.state()
        assert (after.offset, after.documents) == (40, len(CATALOG) - 4)
        assert after.generation != before.generation
        assert await ids(backend, analyzer, "食品经营许可") == [FOOD_LICENCE.id]
        assert ID_CARD.id not in await ids(backend, analyzer, "居民身份证申领")
        assert [s.text for s in await backend.suggest(analyzer.prefix("食品"), 5)] == [
            "食品经营许可"
        ]
        # The indexer's next write at the old offset is stale: it rereads and replays from 40.
        with pytest.raises(StaleOffset):
            await backend.apply([ID_CARD], [], expected_offset=before.offset + 1, new_offset=99)
        await backend.apply([ID_CARD], [], expected_offset=40, new_offset=41)
        assert (await ids(backend, analyzer, "居民身份证申领"))[0] == ID_CARD.id

    async def test_an_abandoned_rebuild_leaves_the_serving_index(self, backend, analyzer):
        await index(backend, CATALOG[:3])
        before = await backend.state()
        rebuild = await backend.begin_rebuild(50)
        await rebuild.add(CATALOG)
        await rebuild.abandon()
        assert await backend.state() == before
        assert (await search(backend, analyzer, EVERYWHERE)).total == 3
        await index(backend, [FOOD_LICENCE])
        assert await ids(backend, analyzer, "食品经营许可") == [FOOD_LICENCE.id]

    async def test_a_rebuild_reports_bad_documents(self, backend, analyzer):
        rebuild = await backend.begin_rebuild(3)
        bad = replace(ID_CARD, id=FAIL_PREFIX + "id-card")
        failures = await rebuild.add([REAL_ESTATE, bad])
        assert [failure.id for failure in failures] == [bad.id]
        await rebuild.switch()
        assert (await backend.state()).documents == 1

    async def test_an_empty_rebuild_empties_the_index(self, backend, analyzer):
        await index(backend, CATALOG)
        rebuild = await backend.begin_rebuild(5)
        await rebuild.switch()
        state = await backend.state()
        assert (state.offset, state.documents) == (5, 0)
        assert (await search(backend, analyzer, EVERYWHERE)).total == 0
        assert await backend.suggest(analyzer.prefix("不动产"), 5) == []


def _as_kwargs(where: SearchFilter) -> dict[str, object]:
    return {key: value for key, value in vars(where).items()}


def _describe(where: SearchFilter) -> str:
    defaults = vars(SearchFilter())
    changed = {key: value for key, value in vars(where).items() if value != defaults[key]}
    return ",".join(f"{key}={value}" for key, value in changed.items()) or "none"
