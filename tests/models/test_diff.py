"""Field-level diffs of content, as stored: nested objects recurse, keyed lists match by key."""

from models.content import CatalogItemContent, ServiceItemContent
from models.diff import ChangeKind, FieldChange, diff, diff_models

ADDED, REMOVED, CHANGED = ChangeKind.ADDED, ChangeKind.REMOVED, ChangeKind.CHANGED

LICENCE = {"name": "食品经营许可申请书", "copy_copies": 1}
CHARTER = {"name": "营业执照"}
ID_CARD = {"name": "法定代表人身份证"}


def guide(**changes):
    """A stored service guide: validated, then dumped exactly as a version row keeps it."""
    content = ServiceItemContent.model_validate(
        {"materials": [LICENCE, CHARTER], "online_stages": ["1", "2"], **changes}
    )
    return content.model_dump(mode="json", exclude_none=True)


def catalog(**changes):
    content = CatalogItemContent.model_validate({"name": "食品经营许可", **changes})
    return content.model_dump(mode="json", exclude_none=True)


# --- scalars and objects -----------------------------------------------------------------------


def test_identical_contents_have_no_changes():
    assert diff(guide(), guide()) == []


def test_a_changed_scalar_is_one_change():
    # given / when
    changes = diff(guide(onsite_visits=1), guide(onsite_visits=0))

    # then
    assert changes == [FieldChange(("onsite_visits",), CHANGED, 1, 0)]


def test_a_nested_object_field_is_reported_at_its_path():
    before = guide(channels={"pc_url": "https://a.example/1"})
    after = guide(channels={"pc_url": "https://a.example/2", "express": True})

    assert diff(before, after) == [
        FieldChange(("channels", "pc_url"), CHANGED, "https://a.example/1", "https://a.example/2"),
        FieldChange(("channels", "express"), CHANGED, False, True),
    ]


def test_an_optional_field_that_appears_is_added_and_one_that_vanishes_is_removed():
    without, with_hours = guide(), guide(hours="工作日9:00-17:00")

    assert diff(without, with_hours) == [FieldChange(("hours",), ADDED, None, "工作日9:00-17:00")]
    assert diff(with_hours, without) == [FieldChange(("hours",), REMOVED, "工作日9:00-17:00", None)]


def test_an_explicit_none_equals_an_absent_key():
    assert diff({"hours": None, "onsite_visits": 1}, {"onsite_visits": 1}) == []


def test_a_nested_object_that_appears_is_added_whole():
    changes = diff(guide(), guide(promised_time_limit={"value": 5}))

    assert changes == [
        FieldChange(("promised_time_limit",), ADDED, None, {"value": 5, "unit": "1"})
    ]


def test_a_value_of_another_json_type_is_a_change():
    assert diff({"x": 1}, {"x": True}) == [FieldChange(("x",), CHANGED, 1, True)]


# --- lists of scalars --------------------------------------------------------------------------


def test_a_changed_scalar_list_is_one_change_of_the_whole_value():
    changes = diff(guide(online_stages=["1", "2"]), guide(online_stages=["1", "2", "4"]))

    assert changes == [FieldChange(("online_stages",), CHANGED, ["1", "2"], ["1", "2", "4"])]


# --- keyed lists -------------------------------------------------------------------------------


def test_an_added_material_is_one_addition_of_the_whole_material():
    after = guide(materials=[LICENCE, ID_CARD, CHARTER])

    changes = diff(guide(), after)

    stored_id_card = after["materials"][1]
    assert stored_id_card["name"] == "法定代表人身份证"
    assert changes == [FieldChange(("materials", "法定代表人身份证"), ADDED, None, stored_id_card)]


def test_a_removed_material_is_one_removal_of_the_whole_material():
    before = guide()
    changes = diff(before, guide(materials=[LICENCE]))

    assert changes == [
        FieldChange(("materials", "营业执照"), REMOVED, before["materials"][1], None)
    ]


def test_a_changed_material_reports_its_changed_fields_only():
    changes = diff(guide(), guide(materials=[{**LICENCE, "copy_copies": 2}, CHARTER]))

    assert changes == [
        FieldChange(("materials", "食品经营许可申请书", "copy_copies"), CHANGED, 1, 2)
    ]


def test_reordered_materials_are_one_change_of_the_list_of_names():
    changes = diff(guide(), guide(materials=[CHARTER, LICENCE]))

    assert changes == [
        FieldChange(
            ("materials",),
            CHANGED,
            ["食品经营许可申请书", "营业执照"],
            ["营业执照", "食品经营许可申请书"],
        )
    ]


def test_an_insertion_between_materials_is_not_a_reorder():
    changes = diff(guide(), guide(materials=[LICENCE, ID_CARD, CHARTER]))

    assert [change.path for change in changes] == [("materials", "法定代表人身份证")]


def test_changes_inside_a_list_follow_the_new_order_then_the_removed_elements():
    # given: the charter leaves, the ID card arrives first, the form changes its copies
    after = guide(materials=[ID_CARD, {**LICENCE, "copy_copies": 3}])

    # when
    changes = diff(guide(), after)

    # then
    assert [(change.path, change.kind) for change in changes] == [
        (("materials", "法定代表人身份证"), ADDED),
        (("materials", "食品经营许可申请书", "copy_copies"), CHANGED),
        (("materials", "营业执照"), REMOVED),
    ]


def test_a_changed_legal_basis_is_matched_by_title():
    law = {"title": "《中华人民共和国食品安全法》", "article": "第三十五条"}
    before = catalog(legal_basis=[law])
    after = catalog(legal_basis=[{**law, "article": "第三十六条"}])

    assert diff(before, after) == [
        FieldChange(
            ("legal_basis", "《中华人民共和国食品安全法》", "article"),
            CHANGED,
            "第三十五条",
            "第三十六条",
        )
    ]


def test_a_keyed_list_with_repeated_keys_is_compared_whole():
    # given: two articles of one law, so the title does not identify an entry
    first = {"title": "《食品安全法》", "article": "第三十五条"}
    second = {"title": "《食品安全法》", "article": "第三十六条"}
    before, after = catalog(legal_basis=[first, second]), catalog(legal_basis=[first])

    # when
    changes = diff(before, after)

    # then
    assert changes == [
        FieldChange(("legal_basis",), CHANGED, before["legal_basis"], after["legal_basis"])
    ]


def test_responsibility_steps_are_matched_by_step():
    before = guide(responsibilities={"steps": [{"step": "受理", "duty": "一次告知"}]})
    after = guide(responsibilities={"steps": [{"step": "受理", "duty": "当场受理"}]})

    assert diff(before, after) == [
        FieldChange(("responsibilities", "steps", "受理", "duty"), CHANGED, "一次告知", "当场受理")
    ]


def test_removed_keys_come_after_the_keys_of_the_new_content():
    changes = diff({"a": 1, "b": 2, "c": 3}, {"c": 4, "d": 5, "a": 1})

    assert [change.path for change in changes] == [("c",), ("d",), ("b",)]


# --- models ------------------------------------------------------------------------------------


def test_diff_models_without_a_before_adds_every_stored_top_level_field():
    after = CatalogItemContent.model_validate({"name": "食品经营许可", "aliases": ["食品许可"]})

    changes = diff_models(None, after)

    stored = after.model_dump(mode="json", exclude_none=True)
    assert changes == [FieldChange((key,), ADDED, None, value) for key, value in stored.items()]
    assert changes[:2] == [
        FieldChange(("name",), ADDED, None, "食品经营许可"),
        FieldChange(("aliases",), ADDED, None, ["食品许可"]),
    ]


def test_diff_models_compares_the_stored_form():
    before = CatalogItemContent.model_validate({"name": "食品经营许可", "levels": ["3", "4"]})
    after = before.model_copy(update={"name": "食品经营许可证核发"})

    assert diff_models(before, after) == [
        FieldChange(("name",), CHANGED, "食品经营许可", "食品经营许可证核发")
    ]
    assert diff_models(before, before) == []
