"""Content validation: what a guide may contain, and how time limits compare."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from models.content import (
    CatalogItemContent,
    Channels,
    FeeLine,
    Material,
    ServiceItemContent,
    TimeLimit,
)
from models.enums import Channel, MaterialType, Necessity, TimeUnit


def errors_of(model, data):
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    return [(e["type"], e["loc"], e["msg"]) for e in raised.value.errors(include_url=False)]


# --- catalog items -----------------------------------------------------------------------------


def test_a_minimal_catalog_item_needs_only_a_name():
    content = CatalogItemContent.model_validate({"name": "  食品经营许可 "})

    assert content.name == "食品经营许可"
    assert content.baseline_materials == []
    assert content.statutory_time_limit is None


def test_a_catalog_item_without_a_name_is_refused():
    assert errors_of(CatalogItemContent, {}) == [("missing", ("name",), "Field required")]


def test_a_blank_name_is_refused():
    assert errors_of(CatalogItemContent, {"name": " \u3000 "}) == [
        ("string_too_short", ("name",), "String should have at least 1 character")
    ]


def test_a_name_longer_than_200_characters_is_refused():
    assert errors_of(CatalogItemContent, {"name": "许" * 201}) == [
        ("string_too_long", ("name",), "String should have at most 200 characters")
    ]
    assert CatalogItemContent(name="许" * 200).name == "许" * 200


@pytest.mark.parametrize(
    ("model", "data", "typo"),
    [
        (CatalogItemContent, {"name": "食品经营许可", "nmae": "x"}, "nmae"),
        (ServiceItemContent, {"adress": "济南市历下区"}, "adress"),
    ],
)
def test_unknown_keys_are_refused_so_a_typo_never_vanishes(model, data, typo):
    assert errors_of(model, data) == [
        ("extra_forbidden", (typo,), "Extra inputs are not permitted")
    ]


def test_unknown_keys_inside_nested_values_are_refused():
    data = {"name": "x", "baseline_materials": [{"name": "申请书", "copies": 2}]}

    assert errors_of(CatalogItemContent, data) == [
        ("extra_forbidden", ("baseline_materials", 0, "copies"), "Extra inputs are not permitted")
    ]


def test_duplicate_baseline_material_names_are_refused():
    data = {
        "name": "x",
        "baseline_materials": [{"name": "申请书"}, {"name": "身份证"}, {"name": "申请书"}],
    }

    assert errors_of(CatalogItemContent, data) == [
        ("value_error", ("baseline_materials",), "Value error, 材料名称重复：申请书")
    ]


def test_material_names_are_compared_after_trimming():
    data = {"materials": [{"name": "营业执照"}, {"name": " 营业执照 "}]}

    assert errors_of(ServiceItemContent, data) == [
        ("value_error", ("materials",), "Value error, 材料名称重复：营业执照")
    ]


def test_distinct_material_names_are_kept_in_order():
    content = ServiceItemContent.model_validate(
        {"materials": [{"name": "营业执照"}, {"name": "法定代表人身份证"}]}
    )

    assert [m.name for m in content.materials] == ["营业执照", "法定代表人身份证"]


def test_codes_are_stored_not_labels():
    data = {"name": "x", "levels": ["市级"]}

    [(kind, loc, _)] = errors_of(CatalogItemContent, data)

    assert (kind, loc) == ("enum", ("levels", 0))


def test_list_lengths_are_bounded():
    data = {"local_codes": [f"JN{i}" for i in range(11)]}

    [(kind, loc, _)] = errors_of(ServiceItemContent, data)

    assert (kind, loc) == ("too_long", ("local_codes",))


def test_content_is_immutable():
    content = CatalogItemContent(name="食品经营许可")

    with pytest.raises(ValidationError):
        content.name = "别的"  # type: ignore[misc]


def test_a_material_has_sensible_defaults():
    material = Material(name="申请书")

    assert material.material_type is MaterialType.ORIGINAL
    assert material.necessity is Necessity.REQUIRED


def test_a_blank_form_must_be_a_sha256_hash():
    [(kind, loc, _)] = errors_of(Material, {"name": "申请书", "blank_form": "form.docx"})

    assert (kind, loc) == ("string_pattern_mismatch", ("blank_form",))
    assert Material(name="申请书", blank_form="a" * 64).blank_form == "a" * 64


# --- service items -----------------------------------------------------------------------------


def test_an_empty_service_item_guide_is_valid_with_defaults():
    content = ServiceItemContent()

    assert content.onsite_visits == 1
    assert content.channels.available() == {Channel.WINDOW}


@pytest.mark.parametrize(("visits", "ok"), [(-1, False), (0, True), (10, True), (11, False)])
def test_onsite_visits_are_between_0_and_10(visits, ok):
    if ok:
        assert ServiceItemContent(onsite_visits=visits).onsite_visits == visits
    else:
        [(_, loc, _)] = errors_of(ServiceItemContent, {"onsite_visits": visits})
        assert loc == ("onsite_visits",)


def test_online_addresses_must_be_http_urls():
    [(kind, loc, _)] = errors_of(ServiceItemContent, {"channels": {"pc_url": "ftp://x"}})

    assert (kind, loc) == ("string_pattern_mismatch", ("channels", "pc_url"))


def test_channels_report_what_is_available():
    channels = Channels(
        window=False, pc_url="https://jnzwfw.jinan.gov.cn/x", mobile_app="爱山东", express=True
    )

    assert channels.available() == {Channel.PC, Channel.MOBILE, Channel.EXPRESS}


def test_fee_amounts_are_non_negative_with_two_decimals():
    assert FeeLine(fee_item="SF370100003", amount="10.00").amount == Decimal("10.00")
    [(_, loc, _)] = errors_of(FeeLine, {"fee_item": "SF370100003", "amount": "-1"})
    assert loc == ("amount",)
    [(_, loc, _)] = errors_of(FeeLine, {"fee_item": "SF370100003", "amount": "1.005"})
    assert loc == ("amount",)


def test_a_fee_line_names_its_fee_item_by_a_well_formed_code():
    assert FeeLine(fee_item=" sf370100003 ").fee_item == "SF370100003"
    [(_, loc, message)] = errors_of(FeeLine, {"fee_item": "不动产登记费"})
    assert loc == ("fee_item",)
    assert "收费项目编码格式错误" in message


# --- time limits -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "ok"), [(-1, False), (0, True), (3650, True), (3651, False)])
def test_time_limit_values_are_bounded(value, ok):
    if ok:
        assert TimeLimit(value=value).value == value
    else:
        [(_, loc, _)] = errors_of(TimeLimit, {"value": value})
        assert loc == ("value",)


@pytest.mark.parametrize(
    ("limit", "text"),
    [
        (TimeLimit(value=0), "即办"),
        (TimeLimit(value=20), "20个工作日"),
        (TimeLimit(value=30, unit=TimeUnit.NATURAL_DAY), "30个自然日"),
        (TimeLimit(value=3, unit=TimeUnit.MONTH), "3个月"),
    ],
)
def test_time_limits_read_as_people_write_them(limit, text):
    assert str(limit) == text


@pytest.mark.parametrize(
    ("shorter", "longer"),
    [
        (TimeLimit(value=19), TimeLimit(value=20)),
        (TimeLimit(value=20), TimeLimit(value=30, unit=TimeUnit.NATURAL_DAY)),  # 21.4 days
        (TimeLimit(value=8, unit=TimeUnit.HOUR), TimeLimit(value=2)),
        (TimeLimit(value=20), TimeLimit(value=1, unit=TimeUnit.MONTH)),
        (TimeLimit(value=0), TimeLimit(value=1, unit=TimeUnit.HOUR)),
    ],
)
def test_time_limits_compare_across_units(shorter, longer):
    assert shorter.in_working_days() < longer.in_working_days()


def test_equal_limits_in_different_units_compare_equal():
    assert TimeLimit(value=7, unit=TimeUnit.NATURAL_DAY).in_working_days() == pytest.approx(5)
    assert TimeLimit(value=16, unit=TimeUnit.HOUR).in_working_days() == 2
    assert TimeLimit(value=1, unit=TimeUnit.MONTH).in_working_days() == 21
