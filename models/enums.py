"""Code lists of the catalog, each member carrying its GB/T 39046-2020 code and Chinese label.

Members are stored and exchanged by their code (the enum value); GraphQL exposes the member names.
"""

from enum import Enum, StrEnum


class CodedEnum(StrEnum):
    """A code list: `value` is the standard's code, `label` the Chinese term."""

    label: str

    def __new__(cls, code: str, label: str) -> "CodedEnum":
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @property
    def code(self) -> str:
        return self.value

    @classmethod
    def from_code(cls, code: str) -> "CodedEnum":
        return cls(code)


class ItemType(CodedEnum):
    """事项类型 (GB/T 39046 Table A.1)."""

    ADMINISTRATIVE_LICENSING = "01", "行政许可"
    ADMINISTRATIVE_PENALTY = "02", "行政处罚"
    ADMINISTRATIVE_COERCION = "03", "行政强制"
    ADMINISTRATIVE_LEVY = "04", "行政征收"
    ADMINISTRATIVE_PAYMENT = "05", "行政给付"
    ADMINISTRATIVE_INSPECTION = "06", "行政检查"
    ADMINISTRATIVE_CONFIRMATION = "07", "行政确认"
    ADMINISTRATIVE_REWARD = "08", "行政奖励"
    ADMINISTRATIVE_ADJUDICATION = "09", "行政裁决"
    OTHER_ADMINISTRATIVE_POWER = "10", "其他行政权力"
    PUBLIC_SERVICE = "20", "公共服务"

    @property
    def is_power(self) -> bool:
        """Types 01–10 are administrative powers and belong on the 权责清单."""
        return self.value <= "10"


class ExerciseLevel(CodedEnum):
    """行使层级 (GB/T 39046 Table A.2); the digit inside the implementation code."""

    NATIONAL = "1", "国家级"
    PROVINCIAL = "2", "省级"
    MUNICIPAL = "3", "市级"
    COUNTY = "4", "县级"
    TOWNSHIP = "5", "镇（乡、街道）级"
    VILLAGE = "6", "村（社区）级"
    TIERED = "7", "分级管理"


class AgencyNature(CodedEnum):
    """实施主体性质 (GB/T 39046 Table A.3)."""

    STATUTORY_ORGAN = "1", "法定机关"
    AUTHORISED_ORGANISATION = "2", "授权组织"
    ENTRUSTED_ORGANISATION = "3", "受委托组织"
    OTHER = "9", "其他"


class ServiceObject(CodedEnum):
    """服务对象 (GB/T 39046 Table A.4)."""

    NATURAL_PERSON = "1", "自然人"
    ENTERPRISE = "2", "企业法人"
    PUBLIC_INSTITUTION = "3", "事业法人"
    SOCIAL_ORGANISATION = "4", "社会组织法人"
    GOVERNMENT_ORGAN = "5", "行政机关"
    OTHER_ORGANISATION = "6", "其他组织"


class HandlingForm(CodedEnum):
    """办理形式 (GB/T 39046 Table A.5)."""

    WINDOW = "1", "窗口办理"
    ONLINE_PC = "2", "电脑端网上办理"
    ONLINE_MOBILE = "3", "移动端网上申请"
    EXPRESS = "4", "快递申请"
    OTHER = "9", "其他"


class HandlingKind(CodedEnum):
    """办件类型 (GB/T 39046 Table A.6)."""

    INSTANT = "1", "即办件"
    PROMISED = "2", "承诺件"
    OTHER = "9", "其他"


class PowerSource(CodedEnum):
    """权力来源."""

    STATUTORY = "1", "法定本级行使"
    DELEGATED_FROM_ABOVE = "2", "上级下放"
    AUTHORISED_BY_ABOVE = "3", "上级授权"
    AUTHORISED_BY_PEER = "4", "同级授权"
    ENTRUSTED_BY_ABOVE = "5", "上级委托"
    ENTRUSTED_BY_PEER = "6", "同级委托"


class OnlineDepth(CodedEnum):
    """网上办理深度, normalised to the four levels (Shandong/Inspur naming)."""

    DISCLOSURE = "1", "事项公开（一级）"
    ONLINE_PREREVIEW = "2", "在线预审（二级）"
    ONLINE_APPLICATION = "3", "在线申办（三级）"
    FULLY_ONLINE = "4", "全程网办（四级）"


class OnlineStage(CodedEnum):
    """Stages a service offers online (the multi-valued 网办深度 stage list)."""

    CONSULTATION = "1", "互联网咨询"
    SUBMISSION = "2", "互联网收件"
    PREREVIEW = "3", "互联网预审"
    ACCEPTANCE = "4", "互联网受理"
    HANDLING = "5", "互联网办理"
    RESULT_FEEDBACK = "6", "互联网办理结果信息反馈"
    E_LICENCE = "7", "互联网电子证照反馈"
    OTHER = "8", "其他"


class MaterialType(CodedEnum):
    """材料类型: original, copy, or both."""

    ORIGINAL = "0", "原件"
    COPY = "1", "复印件"
    ORIGINAL_AND_COPY = "2", "原件和复印件"
    ORIGINAL_OR_COPY = "3", "原件或复印件"


class MaterialForm(CodedEnum):
    """材料形式."""

    PAPER = "1", "纸质"
    ELECTRONIC = "2", "电子"
    PAPER_AND_ELECTRONIC = "3", "纸质和电子"


class Necessity(CodedEnum):
    """材料必要性."""

    REQUIRED = "1", "必要"
    OPTIONAL = "2", "非必要"
    DEFERRABLE = "3", "容缺后补"


class MaterialSource(CodedEnum):
    """来源渠道."""

    APPLICANT = "1", "申请人自备"
    GOVERNMENT_ISSUED = "2", "政府部门核发"
    INTERMEDIARY = "3", "中介机构出具"
    E_LICENCE_LIBRARY = "4", "调取电子证照库"
    ONLINE_FORM = "5", "在线填报"
    OTHER = "9", "其他"


class MaterialOrigin(CodedEnum):
    """Where a service item's material comes from: the catalog baseline or the local guide."""

    BASELINE = "baseline", "基本目录"
    LOCAL = "local", "本地增加"


class TimeUnit(CodedEnum):
    """办结时限单位."""

    WORKING_DAY = "1", "工作日"
    NATURAL_DAY = "2", "自然日"
    HOUR = "3", "小时"
    MONTH = "4", "月"


class ResultType(CodedEnum):
    """审批结果类型."""

    CERTIFICATE = "1", "出证办结"
    DOCUMENT = "2", "出文办结"
    APPROVAL = "3", "审批办结"
    OTHER = "9", "其他"


class Channel(CodedEnum):
    """Where the public can handle an item; used to filter by channel availability."""

    WINDOW = "window", "窗口"
    PC = "pc", "电脑端"
    MOBILE = "mobile", "移动端"
    EXPRESS = "express", "快递"
    BOOKING = "booking", "预约"
    ONLINE_PAYMENT = "payment", "网上支付"
    SELF_SERVICE = "terminal", "自助终端"


class ServiceScope(CodedEnum):
    """通办范围."""

    LOCAL = "0", "本辖区"
    CROSS_COUNTY = "1", "跨县"
    CROSS_CITY = "2", "跨市"
    CROSS_PROVINCE = "3", "跨省"
    NATIONWIDE = "4", "全国"


class FundManagement(CodedEnum):
    """资金管理方式 of a fee (行政事业性收费清单)."""

    TREASURY = "1", "缴入国库"
    FISCAL_ACCOUNT = "2", "缴入财政专户"


class ProviderNature(CodedEnum):
    """机构性质 of those who may provide an intermediary service (中介服务事项清单)."""

    ENTERPRISE = "1", "企业"
    PUBLIC_INSTITUTION = "2", "事业单位"
    SOCIAL_ORGANISATION = "3", "社会组织"
    OTHER = "9", "其他"


class IntermediaryCharging(CodedEnum):
    """Whether and how an intermediary service charges (收费方式)."""

    FREE = "0", "不收费"
    GOVERNMENT_PRICED = "1", "政府定价"
    GOVERNMENT_GUIDED = "2", "政府指导价"
    MARKET = "3", "市场调节价"


class ScenarioLifeCycle(CodedEnum):
    """Whose life cycle a scenario (一件事) belongs to (国发〔2024〕3号: two life cycles)."""

    PERSON = "1", "个人全生命周期（自然人）"
    ENTERPRISE = "2", "企业全生命周期（法人）"


class ScenarioTheme(CodedEnum):
    """The stage of the life cycle a scenario serves (domain.md §7): the first digit of the code
    is its life cycle (1 自然人, 2 法人)."""

    BIRTH = "101", "出生"
    EDUCATION = "102", "教育"
    EMPLOYMENT = "103", "就业"
    LIVING = "104", "生活"
    HOUSING = "105", "置业"
    TRAVEL = "106", "出行"
    MEDICAL = "107", "就医"
    ASSISTANCE = "108", "救助"
    PENSION = "109", "养老"
    POSTHUMOUS = "110", "身后"
    MARKET_ENTRY = "201", "准入准营"
    HIRING = "202", "招聘用工"
    TAXES = "203", "纳税缴费"
    OPERATION = "204", "经营发展"
    CONSTRUCTION = "205", "工程建设"
    EXIT = "206", "注销退出"

    @property
    def life_cycle(self) -> ScenarioLifeCycle:
        return ScenarioLifeCycle(self.value[0])


class RegionLevel(CodedEnum):
    """Level of an administrative region (GB/T 2260 and township codes)."""

    PROVINCE = "1", "省"
    CITY = "2", "市"
    DISTRICT = "3", "区县"
    STREET = "4", "街道乡镇"


class VersionStatus(StrEnum):
    """Lifecycle of one version of a record."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)
"""A record has at most one version in these statuses: its open draft."""

PUBLIC_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN)
"""Versions that were once published; the public may read them as of their effective period."""


class RecordKind(StrEnum):
    """The kinds of record kept through the one versioning mechanism."""

    CATALOG_ITEM = "catalog_item"
    SERVICE_ITEM = "service_item"
    FEE_ITEM = "fee_item"
    INTERMEDIARY_SERVICE = "intermediary_service"
    SCENARIO = "scenario"


class ChangeAction(StrEnum):
    """What a change event says happened to a record."""

    CREATED = "created"
    DRAFT_UPDATED = "draft_updated"
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    WITHDRAWN = "withdrawn"
    RESTORED = "restored"
    DRAFT_DISCARDED = "draft_discarded"
    CATALOG_CHANGED = "catalog_changed"
    RELATED_CHANGED = "related_changed"  # a fee item or intermediary service it names changed
    FLAGS_ACCEPTED = "flags_accepted"


def bitmask(members: "list[Enum] | tuple[Enum, ...] | set[Enum]", order: "type[Enum]") -> int:
    """Pack a set of enum members into an integer, one bit per member in declaration order."""
    positions = {member: i for i, member in enumerate(order)}
    mask = 0
    for member in members:
        mask |= 1 << positions[member]
    return mask


def bit(member: Enum) -> int:
    """The single bit `bitmask` uses for one member."""
    return 1 << list(type(member)).index(member)
