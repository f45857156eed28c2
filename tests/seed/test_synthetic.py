"""The synthetic generator: valid unique codes, the same guide rules, determinism, streaming."""

import hashlib
import itertools
from collections import Counter
from collections.abc import Iterator

import pytest

from models.codes import validate_basic_code, validate_uscc
from models.content import ServiceItemContent
from models.enums import ItemType
from seed.checks import code_violations, file_references, guide_violations, implementation_code
from seed.demo import load_demo
from seed.synthetic import SyntheticCatalog, synthetic_catalog

N = 1000


@pytest.fixture(scope="module")
def catalog() -> SyntheticCatalog:
    return synthetic_catalog(N)


def test_service_items_is_a_fresh_iterator_of_n_items(catalog: SyntheticCatalog) -> None:
    items = catalog.service_items

    assert isinstance(items, Iterator)
    assert sum(1 for _ in items) == N
    assert sum(1 for _ in catalog.service_items) == N


def test_codes_are_valid_and_unique(catalog: SyntheticCatalog) -> None:
    items = list(catalog.service_items)
    codes = [implementation_code(item) for item in items]

    assert [validate_uscc(a.uscc) for a in catalog.agencies] == [a.uscc for a in catalog.agencies]
    assert all(validate_basic_code(item.code) == item.code for item in catalog.catalog_items)
    assert len(set(codes)) == N
    assert code_violations(catalog.agencies, catalog.catalog_items, items) == []


def test_every_item_type_and_level_appears(catalog: SyntheticCatalog) -> None:
    types = {ItemType(item.code[2:4]) for item in catalog.catalog_items}
    levels = {item.level for item in catalog.service_items}

    assert types == set(ItemType)
    assert len(levels) == 3


def test_demo_records_are_reused_and_new_ones_never_collide(catalog: SyntheticCatalog) -> None:
    demo = load_demo()
    demo_agencies = {agency.uscc: agency for agency in demo.agencies}
    reused = [a for a in catalog.agencies if a.uscc in demo_agencies]
    created = [a for a in catalog.agencies if a.uscc not in demo_agencies]

    assert catalog.regions == demo.regions
    assert reused and all(agency == demo_agencies[agency.uscc] for agency in reused)
    assert not {a.name for a in created} & {a.name for a in demo.agencies}
    assert len({a.uscc for a in catalog.agencies}) == len(catalog.agencies)
    assert not {c.code for c in demo.catalog_items} & {c.code for c in catalog.catalog_items}


def test_records_point_at_known_regions_agencies_and_leaves(catalog: SyntheticCatalog) -> None:
    regions = {region.code for region in catalog.regions}
    agencies = {agency.uscc: agency for agency in catalog.agencies}
    parents = {item.parent_code for item in catalog.catalog_items if item.parent_code}
    known = {item.code for item in catalog.catalog_items}

    assert all(agency.region_code in regions for agency in catalog.agencies)
    assert all(
        item.parent_code is None or item.parent_code in known for item in catalog.catalog_items
    )
    for item in catalog.service_items:
        assert agencies[item.agency_uscc].level is item.level
        assert item.catalog_code in known and item.catalog_code not in parents


def test_guides_obey_the_checker_rules(catalog: SyntheticCatalog) -> None:
    contents = {item.code: item.content for item in catalog.catalog_items}
    violations = [
        (item.catalog_code, message)
        for item in catalog.service_items
        for message in guide_violations(item, contents[item.catalog_code])
    ]

    assert violations == []


def test_trip_mix_supports_the_zero_and_one_trip_lists(catalog: SyntheticCatalog) -> None:
    trips = Counter(item.content.onsite_visits for item in catalog.service_items)

    assert trips[0] / N >= 0.30
    assert (trips[0] + trips[1]) / N >= 0.80


def test_file_references_resolve(catalog: SyntheticCatalog) -> None:
    stored = {hashlib.sha256(file.data).hexdigest() for file in catalog.files}
    contents = [item.content for item in catalog.catalog_items]
    contents += [item.content for item in catalog.service_items]

    assert {ref for content in contents for ref in file_references(content)} <= stored


def test_a_sample_of_stamped_guides_passes_full_validation(catalog: SyntheticCatalog) -> None:
    # Items are model_copy'd from validated variants; re-validating proves the copies are valid.
    for item in itertools.islice(catalog.service_items, 0, N, 7):
        dumped = item.content.model_dump(mode="json")
        assert ServiceItemContent.model_validate(dumped) == item.content


def test_generation_is_deterministic_and_seed_varies_guides() -> None:
    first, second = synthetic_catalog(300), synthetic_catalog(300)
    other_seed = synthetic_catalog(300, seed=8)

    assert first.agencies == second.agencies and first.catalog_items == second.catalog_items
    assert [f.data for f in first.files] == [f.data for f in second.files]
    assert list(first.service_items) == list(second.service_items)
    assert [i.catalog_code for i in first.service_items] == [
        i.catalog_code for i in other_seed.service_items
    ]
    assert [i.content for i in first.service_items] != [i.content for i in other_seed.service_items]


def test_larger_n_grows_agencies_and_catalog() -> None:
    small, large = synthetic_catalog(10_000), synthetic_catalog(200_000)

    assert len(large.agencies) > len(small.agencies)
    assert len(large.catalog_items) > len(small.catalog_items)
    assert len(large.catalog_items) * len(large.agencies) >= 200_000


def test_n_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        synthetic_catalog(0)
