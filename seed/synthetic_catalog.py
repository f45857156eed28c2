"""Synthetic basic-catalog items: every department gets items of every type, with valid codes.

Codes are `37` + type + department + a sequence from 500 up (the demo uses low sequences) +
the sub code; licensing items are main items (00Y) with sub-items per situation (新办, 变更,
延续), as real catalogs split them.
"""

from models.content import CatalogItemContent, LegalBasis, Material, TimeLimit
from models.enums import ExerciseLevel, ItemType, MaterialSource, Necessity, TimeUnit
from seed.forms import PDF_TYPE, XLSX_TYPE, form_xlsx, sha256
from seed.pdf import certificate_pdf
from seed.records import CatalogSeed, FileSeed
from seed.synthetic_guides import EX_OFFICIO, Leaf
from seed.synthetic_parts import (
    DEFAULT_OBJECTS,
    LICENSING_SITUATIONS,
    NAME_PATTERNS,
    OBJECTS_BY_TYPE,
    Department,
    chinese_number,
)

FIRST_SEQUENCE, LAST_SEQUENCE = 500, 999
T = ItemType
# Licensing and public services are the bulk of a real catalog; every type recurs.
TYPE_CYCLE = (T.ADMINISTRATIVE_LICENSING, T.PUBLIC_SERVICE, T.ADMINISTRATIVE_CONFIRMATION,
              T.ADMINISTRATIVE_PENALTY, T.PUBLIC_SERVICE, T.ADMINISTRATIVE_INSPECTION,
              T.ADMINISTRATIVE_LICENSING, T.ADMINISTRATIVE_PAYMENT,
              T.OTHER_ADMINISTRATIVE_POWER, T.PUBLIC_SERVICE, T.ADMINISTRATIVE_COERCION,
              T.ADMINISTRATIVE_LEVY, T.ADMINISTRATIVE_CONFIRMATION, T.ADMINISTRATIVE_REWARD,
              T.ADMINISTRATIVE_ADJUDICATION, T.ADMINISTRATIVE_PENALTY)
STATUTORY = {
    T.ADMINISTRATIVE_LICENSING: TimeLimit(value=20),
    T.ADMINISTRATIVE_PENALTY: TimeLimit(value=90, unit=TimeUnit.NATURAL_DAY),
    T.ADMINISTRATIVE_COERCION: TimeLimit(value=30, unit=TimeUnit.NATURAL_DAY),
    T.ADMINISTRATIVE_LEVY: TimeLimit(value=10),
    T.ADMINISTRATIVE_PAYMENT: TimeLimit(value=30),
    T.ADMINISTRATIVE_INSPECTION: TimeLimit(value=20),
    T.ADMINISTRATIVE_CONFIRMATION: TimeLimit(value=20),
    T.ADMINISTRATIVE_REWARD: TimeLimit(value=60),
    T.ADMINISTRATIVE_ADJUDICATION: TimeLimit(value=60),
    T.OTHER_ADMINISTRATIVE_POWER: TimeLimit(value=5),
    T.PUBLIC_SERVICE: TimeLimit(value=0),
}
RESULTS = {
    T.ADMINISTRATIVE_PENALTY: "行政处罚决定书",
    T.ADMINISTRATIVE_COERCION: "查封（扣押）决定书",
    T.ADMINISTRATIVE_LEVY: "山东省非税收入统一票据",
    T.ADMINISTRATIVE_PAYMENT: "给付审批结果告知书",
    T.ADMINISTRATIVE_INSPECTION: "监督检查结果记录",
    T.ADMINISTRATIVE_CONFIRMATION: "登记确认结果告知书",
    T.ADMINISTRATIVE_REWARD: "奖励决定书",
    T.ADMINISTRATIVE_ADJUDICATION: "行政裁决书",
    T.OTHER_ADMINISTRATIVE_POWER: "备案回执",
    T.PUBLIC_SERVICE: "办理结果告知单",
}
EX_OFFICIO_CONDITIONS = (
    "依职权启动：在监督检查、投诉举报、转办交办中发现违法行为线索的，依法立案查处"
)
_FORM_FIELDS = {
    "申请人（单位）名称": "济南泉兴科技有限公司",
    "统一社会信用代码（身份证号）": "91370102MA3C******",
    "申请事项": "（按实际填写）",
    "联系人及电话": "赵六 139****0002",
    "申请内容及理由": "（按实际填写）",
}
_PROXY_FIELDS = {
    "委托人": "济南泉兴科技有限公司",
    "受托人": "赵六",
    "受托人身份证号": "370102********2233",
    "委托事项及权限": "代为提交申请材料、领取办理结果",
    "委托期限": "2019年6月1日至2019年12月31日",
}


class SampleRegistry:
    """Result samples rendered once per result name, addressed by content hash."""

    def __init__(self) -> None:
        self.files: list[FileSeed] = []
        self._by_name: dict[str, str] = {}

    def sample(self, name: str, issuer: str) -> str:
        if name not in self._by_name:
            fields = [("持证单位", "济南泉兴科技有限公司"), ("证书编号", "3701******"),
                      ("有效期", "2019年06月01日至2024年05月31日")]
            data = certificate_pdf(name, fields, issuer)
            self.files.append(FileSeed(f"{name}（样本）.pdf", PDF_TYPE, data))
            self._by_name[name] = sha256(data)
        return self._by_name[name]


def generic_forms() -> tuple[dict[str, Material], list[FileSeed]]:
    """The shared application form and power of attorney every synthetic item may ask for."""
    files, shas = [], {}
    for title, fields in (("政务服务事项申请表", _FORM_FIELDS), ("授权委托书", _PROXY_FIELDS)):
        for sample, suffix in ((False, "空白表格"), (True, "示例样表")):
            data = form_xlsx(title, fields, [], sample)
            files.append(FileSeed(f"{title}（{suffix}）.xlsx", XLSX_TYPE, data))
            shas[title, sample] = sha256(data)
    materials = {
        "id": Material(name="申请人身份证明", source=MaterialSource.E_LICENCE_LIBRARY,
                       original_copies=1, accept_standard="在有效期内，与申请人一致"),
        "form": Material(name="政务服务事项申请表", original_copies=1, paper_spec="A4",
                         blank_form=shas["政务服务事项申请表", False],
                         sample=shas["政务服务事项申请表", True]),
        "proxy": Material(name="授权委托书", necessity=Necessity.OPTIONAL, original_copies=1,
                          blank_form=shas["授权委托书", False], sample=shas["授权委托书", True],
                          note="委托他人办理的提供"),
    }
    return materials, files


def _name(dept: Department, item_type: ItemType, count: int) -> str:
    patterns, subjects = NAME_PATTERNS[item_type], dept.subjects
    pattern = patterns[count // len(subjects) % len(patterns)]
    name = pattern.format(s=subjects[count % len(subjects)])
    batch = count // (len(subjects) * len(patterns))
    return f"{name}（{chinese_number(batch + 1)}类）" if batch else name


def _content(dept: Department, item_type: ItemType, name: str, seq: int,
             materials: dict[str, Material]) -> CatalogItemContent:
    ex_officio = item_type in EX_OFFICIO
    article = f"第{chinese_number(seq % 90 + 5)}条"
    return CatalogItemContent(
        name=name,
        legal_basis=[LegalBasis(title=f"《{dept.law}》", article=article)],
        supervising_department=f"济南市{dept.city_name}",
        levels=[ExerciseLevel.MUNICIPAL, ExerciseLevel.COUNTY, ExerciseLevel.TOWNSHIP],
        service_objects=list(OBJECTS_BY_TYPE.get(item_type, DEFAULT_OBJECTS)),
        accept_conditions=EX_OFFICIO_CONDITIONS if ex_officio
        else f"申请人符合{name}的法定条件，申请材料齐全、符合法定形式",
        baseline_materials=[] if ex_officio
        else [materials["id"], materials["form"], materials["proxy"]],
        statutory_time_limit=STATUTORY[item_type],
    )


def _licensing_result(name: str) -> str:
    base = name.split("（")[0]
    if base.endswith("许可"):
        return f"{base}证"
    return f"{base}决定书"


def _leaf(code: str, item_type: ItemType, content: CatalogItemContent, seq: int,
            samples: SampleRegistry, issuer: str) -> Leaf:
    if item_type is T.ADMINISTRATIVE_LICENSING:
        result = _licensing_result(content.name)
        sample: str | None = samples.sample(result, issuer)
    else:
        result, sample = RESULTS[item_type], None
    charging = item_type is T.ADMINISTRATIVE_LEVY or (
        item_type is T.ADMINISTRATIVE_CONFIRMATION and seq % 5 == 0)
    return Leaf(code, item_type, content, result, sample, charging, two_trips=seq % 7 == 0)


def _item_family(dept: Department, item_type: ItemType, count: int, materials: dict[str, Material],
                 samples: SampleRegistry) -> tuple[list[CatalogSeed], list[Leaf]]:
    """One standalone item, or a licensing main item (00Y) with a sub-item per situation."""
    seq, issuer = FIRST_SEQUENCE + count, f"济南市{dept.city_name}"
    if seq > LAST_SEQUENCE:
        raise ValueError(f"department {dept.code} ran out of sequences for {item_type.label}")
    name, stem = _name(dept, item_type, count), f"37{item_type.value}{dept.code}{seq}"
    if item_type is not T.ADMINISTRATIVE_LICENSING:
        content = _content(dept, item_type, name, seq, materials)
        return [CatalogSeed(f"{stem}000", None, content)], [
            _leaf(f"{stem}000", item_type, content, seq, samples, issuer)]
    main = CatalogSeed(f"{stem}00Y", None, _content(dept, item_type, name, seq, materials))
    subs = [
        CatalogSeed(f"{stem}{sub:03d}", main.code,
                    _content(dept, item_type, f"{name}{situation}", seq, materials))
        for sub, situation in enumerate(LICENSING_SITUATIONS, start=1)
    ]
    leaves = [_leaf(item.code, item_type, item.content, seq, samples, issuer) for item in subs]
    return [main, *subs], leaves


def build_department_catalog(dept: Department, leaf_count: int, materials: dict[str, Material],
                             samples: SampleRegistry) -> tuple[list[CatalogSeed], list[Leaf]]:
    """Item families in TYPE_CYCLE order until the department has `leaf_count` leaves."""
    items: list[CatalogSeed] = []
    leaves: list[Leaf] = []
    counts = dict.fromkeys(ItemType, 0)
    position = 0
    while len(leaves) < leaf_count:
        item_type = TYPE_CYCLE[position % len(TYPE_CYCLE)]
        position += 1
        family, family_leaves = _item_family(dept, item_type, counts[item_type], materials, samples)
        counts[item_type] += 1
        items += family
        leaves += family_leaves
    return items, leaves
