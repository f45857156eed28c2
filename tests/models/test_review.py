"""Review flags: a new catalog version flags exactly the local fields that depend on its changes.

Each flag is shown firing with its exact reason, and staying quiet on changes nothing local
depends on (those are inherited live).
"""

from models.content import CatalogItemContent, ServiceItemContent
from models.diff import ChangeKind, FieldChange
from models.enums import ExerciseLevel
from models.review import ReviewFlag, review_flags

ADDED, REMOVED, CHANGED = ChangeKind.ADDED, ChangeKind.REMOVED, ChangeKind.CHANGED
MUNICIPAL, COUNTY = ExerciseLevel.MUNICIPAL, ExerciseLevel.COUNTY

APPLICATION = {"name": "食品经营许可申请书", "copy_copies": 1}
CHARTER = {"name": "营业执照", "material_type": "1"}

OLD = {
    "name": "食品经营许可",
    "aliases": ["食品许可"],
    "legal_basis": [{"title": "《中华人民共和国食品安全法》", "article": "第三十五条"}],
    "supervising_department": "山东省市场监督管理局",
    "levels": ["3", "4"],
    "service_objects": ["2"],
    "accept_conditions": "已取得营业执照",
    "baseline_materials": [APPLICATION, CHARTER],
    "statutory_time_limit": {"value": 20},
}

LOCAL = {
    "promised_time_limit": {"value": 15},
    "materials": [{"name": "场所平面图"}],
    "material_notes": [{"material": "营业执照", "note": "可通过电子证照库调取"}],
}


def catalog(**changes) -> CatalogItemContent:
    return CatalogItemContent.model_validate({**OLD, **changes})


def local(**changes) -> ServiceItemContent:
    return ServiceItemContent.model_validate({**LOCAL, **changes})


def flags(new: CatalogItemContent, *, item=None, level=COUNTY) -> list[ReviewFlag]:
    return review_flags(catalog(), new, item or local(), level)


# --- statutory and promised time limits --------------------------------------------------------


def test_a_statutory_limit_cut_below_the_promised_limit_flags_the_promise():
    # given a promise of 15 working days; when the statutory limit falls from 20 to 10
    raised = flags(catalog(statutory_time_limit={"value": 10}))

    # then
    assert raised == [
        ReviewFlag(
            ("promised_time_limit",),
            "法定办结时限由20个工作日改为10个工作日，已短于承诺办结时限15个工作日",
            (FieldChange(("statutory_time_limit", "value"), CHANGED, 20, 10),),
        )
    ]


def test_a_statutory_limit_cut_but_still_above_the_promise_flags_nothing():
    assert flags(catalog(statutory_time_limit={"value": 15})) == []


def test_a_new_statutory_limit_below_the_promise_flags_the_promise():
    old = CatalogItemContent.model_validate({**OLD, "statutory_time_limit": None})

    raised = review_flags(
        old, catalog(statutory_time_limit={"value": 10, "unit": "2"}), local(), COUNTY
    )

    assert [(flag.field, flag.reason) for flag in raised] == [
        (("promised_time_limit",), "法定办结时限新设为10个自然日，已短于承诺办结时限15个工作日")
    ]
    assert [change.kind for change in raised[0].changes] == [ADDED]


def test_a_statutory_limit_of_the_same_duration_flags_nothing_even_if_the_promise_exceeds_it():
    # given a local promise that already exceeds the statutory limit
    item = local(promised_time_limit={"value": 30})

    # when only the note of the statutory limit changes
    new = catalog(statutory_time_limit={"value": 20, "note": "不含专家评审时间"})

    # then this version made nothing worse
    assert flags(new, item=item) == []


def test_a_removed_statutory_limit_flags_nothing():
    assert flags(catalog(statutory_time_limit=None)) == []


def test_a_statutory_limit_without_a_local_promise_flags_nothing():
    assert (
        flags(catalog(statutory_time_limit={"value": 1}), item=local(promised_time_limit=None))
        == []
    )


# --- baseline materials and local notes --------------------------------------------------------


def test_removing_a_baseline_material_a_local_note_refers_to_flags_the_note():
    raised = flags(catalog(baseline_materials=[APPLICATION]))

    assert raised == [
        ReviewFlag(
            ("material_notes", "营业执照"),
            "基本目录材料“营业执照”已删除，本地材料说明仍指向该材料",
            (
                FieldChange(
                    ("baseline_materials", "营业执照"),
                    REMOVED,
                    {**CHARTER, "form": "1", "necessity": "1", "source": "1"},
                    None,
                ),
            ),
        )
    ]


def test_renaming_a_baseline_material_a_local_note_refers_to_flags_the_note():
    renamed = {**CHARTER, "name": "营业执照副本"}

    raised = flags(catalog(baseline_materials=[APPLICATION, renamed]))

    assert [(flag.field, flag.reason) for flag in raised] == [
        (
            ("material_notes", "营业执照"),
            "基本目录材料“营业执照”已更名为“营业执照副本”，本地材料说明仍指向原名称",
        )
    ]
    assert [(change.path, change.kind) for change in raised[0].changes] == [
        (("baseline_materials", "营业执照副本"), ADDED),
        (("baseline_materials", "营业执照"), REMOVED),
    ]


def test_removing_a_baseline_material_no_note_refers_to_flags_nothing():
    assert flags(catalog(baseline_materials=[CHARTER])) == []


def test_changing_the_fields_of_a_noted_baseline_material_flags_nothing():
    changed = {**CHARTER, "material_type": "0", "copy_copies": 2}

    assert flags(catalog(baseline_materials=[APPLICATION, changed])) == []


def test_reordering_baseline_materials_flags_nothing():
    assert flags(catalog(baseline_materials=[CHARTER, APPLICATION])) == []


def test_a_baseline_material_added_under_a_local_materials_name_flags_the_local_material():
    raised = flags(catalog(baseline_materials=[APPLICATION, CHARTER, {"name": "场所平面图"}]))

    assert [(flag.field, flag.reason) for flag in raised] == [
        (
            ("materials", "场所平面图"),
            "基本目录新增材料“场所平面图”，与本地增加的材料同名，将重复列出",
        )
    ]
    assert [(change.path, change.kind) for change in raised[0].changes] == [
        (("baseline_materials", "场所平面图"), ADDED)
    ]


def test_a_baseline_material_added_under_a_new_name_flags_nothing():
    assert flags(catalog(baseline_materials=[APPLICATION, CHARTER, {"name": "健康证明"}])) == []


# --- exercise levels ---------------------------------------------------------------------------


def test_levels_that_no_longer_include_the_items_level_flag_the_level():
    raised = flags(catalog(levels=["3"]), level=COUNTY)

    assert raised == [
        ReviewFlag(
            ("level",),
            "行使层级由市级、县级改为市级，不再包含本事项的县级",
            (FieldChange(("levels",), CHANGED, ["3", "4"], ["3"]),),
        )
    ]


def test_levels_that_still_include_the_items_level_flag_nothing():
    assert flags(catalog(levels=["4"]), level=COUNTY) == []
    assert flags(catalog(levels=["4", "3"]), level=MUNICIPAL) == []


def test_a_level_that_was_already_missing_flags_nothing():
    assert flags(catalog(levels=["3"]), level=ExerciseLevel.TOWNSHIP) == []


# --- precision: inherited elements flag nothing ------------------------------------------------


def test_changes_to_inherited_elements_flag_nothing():
    new = catalog(
        name="食品经营许可证核发",
        aliases=[],
        legal_basis=[{"title": "《食品经营许可和备案管理办法》", "article": "第十条"}],
        supervising_department="国家市场监督管理总局",
        service_objects=["1", "2"],
        accept_conditions="已取得营业执照或其他主体资格证明",
        exercise_content="食品销售和餐饮服务",
    )

    assert flags(new) == []


def test_an_unchanged_catalog_flags_nothing():
    assert flags(catalog()) == []


# --- combined changes --------------------------------------------------------------------------


def test_combined_changes_raise_exactly_the_flags_that_apply_in_order():
    # given a new version that renames the item, cuts the limit, drops the noted charter,
    # adds the local floor plan to the baseline, and leaves the county level out
    new = catalog(
        name="食品经营许可证核发",
        service_objects=["1"],
        statutory_time_limit={"value": 10},
        baseline_materials=[{**APPLICATION, "copy_copies": 2}, {"name": "场所平面图"}],
        levels=["3"],
    )

    # when
    raised = flags(new)

    # then
    assert [(flag.field, flag.reason) for flag in raised] == [
        (
            ("promised_time_limit",),
            "法定办结时限由20个工作日改为10个工作日，已短于承诺办结时限15个工作日",
        ),
        (("material_notes", "营业执照"), "基本目录材料“营业执照”已删除，本地材料说明仍指向该材料"),
        (
            ("materials", "场所平面图"),
            "基本目录新增材料“场所平面图”，与本地增加的材料同名，将重复列出",
        ),
        (("level",), "行使层级由市级、县级改为市级，不再包含本事项的县级"),
    ]
    assert [[change.path for change in flag.changes] for flag in raised] == [
        [("statutory_time_limit", "value")],
        [("baseline_materials", "营业执照")],
        [("baseline_materials", "场所平面图")],
        [("levels",)],
    ]


def test_several_notes_on_one_removed_material_raise_one_flag():
    notes = [
        {"material": "营业执照", "note": "可通过电子证照库调取"},
        {"material": "营业执照", "note": "分支机构提交总公司执照"},
    ]

    raised = flags(catalog(baseline_materials=[APPLICATION]), item=local(material_notes=notes))

    assert [flag.field for flag in raised] == [("material_notes", "营业执照")]
