"""The Jinan demo catalog: counts, codes, references and the guide rules, all without a database."""

import hashlib
import io
import zipfile
from collections import Counter

import openpyxl
import pytest

from models.codes import parse_implementation_code, validate_basic_code, validate_uscc
from models.enums import ExerciseLevel, ItemType, RegionLevel
from models.rules import fee_item_problems, intermediary_problems
from seed.checks import PHONE_RE, code_violations, file_references, guide_violations
from seed.checks import implementation_code as derived_code
from seed.demo import DemoCatalog, load_demo
from seed.forms import FIXED_TIME, build_attachments

JINAN_DISTRICTS = {
    "370102",
    "370103",
    "370104",
    "370105",
    "370112",
    "370113",
    "370114",
    "370115",
    "370116",
    "370117",
    "370124",
    "370126",
}


@pytest.fixture(scope="module")
def demo() -> DemoCatalog:
    return load_demo()


def test_counts_meet_the_brief(demo: DemoCatalog) -> None:
    levels = Counter(region.level for region in demo.regions)
    districts = {r.code for r in demo.regions if r.level is RegionLevel.DISTRICT}

    assert districts == JINAN_DISTRICTS
    assert levels[RegionLevel.STREET] >= 10
    assert len(demo.agencies) >= 40
    assert len(demo.catalog_items) >= 80
    assert len(demo.service_items) >= 400
    assert len(demo.files) >= 20


def test_every_item_type_is_catalogued(demo: DemoCatalog) -> None:
    types = {ItemType(item.code[2:4]) for item in demo.catalog_items}

    assert types == set(ItemType)


def test_regions_form_a_tree_listed_parents_first(demo: DemoCatalog) -> None:
    seen: set[str] = set()
    for region in demo.regions:
        assert region.parent_code is None or region.parent_code in seen
        seen.add(region.code)


def test_agencies_have_valid_unique_usccs_and_local_phones(demo: DemoCatalog) -> None:
    regions = {region.code for region in demo.regions}

    assert [validate_uscc(a.uscc) for a in demo.agencies] == [a.uscc for a in demo.agencies]
    assert len({a.uscc for a in demo.agencies}) == len(demo.agencies)
    for agency in demo.agencies:
        assert agency.region_code in regions
        assert agency.uscc[2:8] == agency.region_code[:6]
        assert agency.phone is not None and PHONE_RE.match(agency.phone)
    assert {a.level for a in demo.agencies} == {
        ExerciseLevel.MUNICIPAL,
        ExerciseLevel.COUNTY,
        ExerciseLevel.TOWNSHIP,
    }


def test_catalog_codes_are_valid_typed_and_parents_come_first(demo: DemoCatalog) -> None:
    seen: dict[str, str] = {}
    for item in demo.catalog_items:
        validate_basic_code(item.code[:12])
        assert len(item.code) in (12, 14)
        if item.parent_code is not None:
            assert item.parent_code in seen
            assert item.code[2:4] == item.parent_code[2:4]
            assert item.code.startswith(item.parent_code[:9])
        seen[item.code] = item.content.name
    assert len(seen) == len(demo.catalog_items)


def test_sub_items_hang_under_00Y_mains_and_handling_items_under_sub_items(
    demo: DemoCatalog,
) -> None:
    by_code = {item.code: item for item in demo.catalog_items}
    for item in demo.catalog_items:
        if item.parent_code is None:
            continue
        if len(item.code) == 12:
            assert item.parent_code.endswith("00Y") and item.code[9:].isdigit()
        else:
            assert item.parent_code == item.code[:12]
            assert by_code[item.parent_code].parent_code is not None
    handling = {item.content.name for item in demo.catalog_items if len(item.code) == 14}
    assert {"新建商品房首次登记", "存量房转移登记"} <= handling


def test_colloquial_aliases_are_present(demo: DemoCatalog) -> None:
    by_alias = {
        alias: item.content.name for item in demo.catalog_items for alias in item.content.aliases
    }

    assert by_alias["开公司"] == "企业设立登记"
    assert by_alias["办身份证"] == "居民身份证核发"


def test_service_items_point_at_known_agencies_and_leaf_items(demo: DemoCatalog) -> None:
    agencies = {agency.uscc: agency for agency in demo.agencies}
    catalog = {item.code: item.content for item in demo.catalog_items}
    parents = {item.parent_code for item in demo.catalog_items}
    for item in demo.service_items:
        assert agencies[item.agency_uscc].level is item.level
        assert item.level in catalog[item.catalog_code].levels
        assert item.catalog_code not in parents


def test_one_catalog_item_is_implemented_by_city_and_districts(demo: DemoCatalog) -> None:
    levels_by_item: dict[str, set[ExerciseLevel]] = {}
    for item in demo.service_items:
        levels_by_item.setdefault(item.catalog_code, set()).add(item.level)
    implementers = Counter(item.catalog_code for item in demo.service_items)

    assert max(implementers.values()) >= 10
    assert sum(1 for levels in levels_by_item.values() if len(levels) > 1) >= 20


def test_derived_implementation_codes_are_unique_and_parse_back(demo: DemoCatalog) -> None:
    codes = [derived_code(item) for item in demo.service_items]

    assert len(set(codes)) == len(codes)
    assert code_violations(demo.agencies, demo.catalog_items, demo.service_items) == []
    for item, code in zip(demo.service_items, codes, strict=True):
        parsed = parse_implementation_code(code)
        assert (parsed.uscc, parsed.level) == (item.agency_uscc, item.level)
        assert len(code) == (33 if len(item.catalog_code) == 14 else 31)


def test_every_file_reference_resolves(demo: DemoCatalog) -> None:
    stored = {hashlib.sha256(file.data).hexdigest() for file in demo.files}
    contents = [item.content for item in demo.catalog_items]
    contents += [item.content for item in demo.service_items]
    referenced = {ref for content in contents for ref in file_references(content)}

    assert referenced <= stored
    assert len(referenced) >= 20
    assert len({file.file_name for file in demo.files}) == len(demo.files)


def test_every_guide_obeys_the_checker_rules(demo: DemoCatalog) -> None:
    catalog = {item.code: item.content for item in demo.catalog_items}
    violations = [
        (item.agency_uscc, item.catalog_code, message)
        for item in demo.service_items
        for message in guide_violations(item, catalog[item.catalog_code])
    ]

    assert violations == []


def test_trips_and_online_depths_are_mixed(demo: DemoCatalog) -> None:
    trips = Counter(item.content.onsite_visits for item in demo.service_items)
    total = len(demo.service_items)
    depths = {item.content.online_depth for item in demo.service_items}

    assert trips[0] / total >= 0.30
    assert (trips[0] + trips[1]) / total >= 0.80
    assert trips[1] > 0 and trips[2] > 0
    assert len(depths) == 4


def test_some_items_charge_with_real_fee_lines(demo: DemoCatalog) -> None:
    charging = [item.content for item in demo.service_items if item.content.charging]
    fee_items = {seed.code: seed.content for seed in demo.fee_items}
    charged = {fee_items[line.fee_item].name: line for c in charging for line in c.fees}

    assert len(charging) >= 20
    assert fee_items[charged["不动产登记费（住宅）"].fee_item].standard.amount == 80
    assert all("发改价格规〔2016〕2559号" in (c.fee_basis or "") for c in charging
               if any(fee_items[line.fee_item].name.startswith("不动产") for line in c.fees))


def test_fee_items_are_realistic_and_obey_their_rules(demo: DemoCatalog) -> None:
    usccs = {agency.uscc: agency for agency in demo.agencies}
    codes = [seed.code for seed in demo.fee_items]

    assert len(codes) == len(set(codes)) >= 8
    for seed in demo.fee_items:
        assert usccs[seed.agency_uscc].region_code[:6] == seed.code[2:8]
        assert fee_item_problems(seed.content) == []  # type: ignore[arg-type]
    residential = next(s.content for s in demo.fee_items if s.code == "SF370100001")
    assert (residential.standard.amount, residential.standard.unit) == (80, "元/件")


def test_intermediary_services_are_required_by_items_that_name_them(demo: DemoCatalog) -> None:
    services = {seed.code: seed.content for seed in demo.intermediary_services}
    catalog = {item.code for item in demo.catalog_items}
    requiring = [s for s in demo.service_items if s.content.intermediaries]

    assert requiring
    for seed in demo.intermediary_services:
        assert intermediary_problems(seed.content) == []  # type: ignore[arg-type]
        assert set(seed.content.approval_items) <= catalog  # type: ignore[union-attr]
    for item in requiring:
        for code in item.content.intermediaries:
            assert item.catalog_code in services[code].approval_items  # type: ignore[union-attr]


def test_load_demo_is_deterministic(demo: DemoCatalog) -> None:
    again = load_demo()

    assert again.agencies == demo.agencies
    assert again.catalog_items == demo.catalog_items
    assert again.service_items == demo.service_items
    assert [f.data for f in again.files] == [f.data for f in demo.files]


def test_forms_are_byte_identical_across_builds() -> None:
    first, second = build_attachments(), build_attachments()

    assert [f.data for f in first.files] == [f.data for f in second.files]
    assert first.blank == second.blank and first.result == second.result


def test_forms_are_real_xlsx_and_pdf_files(demo: DemoCatalog) -> None:
    xlsx = next(f for f in demo.files if f.file_name == "不动产登记申请书（示例样表）.xlsx")
    pdf = next(f for f in demo.files if f.file_name == "不动产权证书（样本）.pdf")

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert workbook.active["A1"].value == "不动产登记申请书"
    assert workbook.properties.created == workbook.properties.modified == FIXED_TIME
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2019, 6, 1, 9, 0, 0)}
    xref_at = int(pdf.data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert pdf.data.startswith(b"%PDF-1.4") and pdf.data[xref_at:].startswith(b"xref")
