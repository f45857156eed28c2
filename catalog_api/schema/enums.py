"""The code lists as GraphQL enums; members are named in English, values keep the GB/T codes."""

from enum import Enum

import strawberry

from models import enums

ItemType = strawberry.enum(enums.ItemType, description="Item type (事项类型, GB/T 39046 A.1).")
ExerciseLevel = strawberry.enum(enums.ExerciseLevel, description="Exercise level (行使层级).")
AgencyNature = strawberry.enum(enums.AgencyNature, description="Agency nature (实施主体性质).")
ServiceObject = strawberry.enum(enums.ServiceObject, description="Service object (服务对象).")
HandlingForm = strawberry.enum(enums.HandlingForm, description="Handling form (办理形式).")
HandlingKind = strawberry.enum(enums.HandlingKind, description="Handling kind (办件类型).")
PowerSource = strawberry.enum(enums.PowerSource, description="Source of power (权力来源).")
OnlineDepth = strawberry.enum(enums.OnlineDepth, description="Online depth (网上办理深度).")
OnlineStage = strawberry.enum(enums.OnlineStage, description="Online stage (网办环节).")
MaterialType = strawberry.enum(enums.MaterialType, description="Material type (材料类型).")
MaterialForm = strawberry.enum(enums.MaterialForm, description="Material form (材料形式).")
Necessity = strawberry.enum(enums.Necessity, description="Material necessity (材料必要性).")
MaterialSource = strawberry.enum(enums.MaterialSource, description="Material source (来源渠道).")
MaterialOrigin = strawberry.enum(
    enums.MaterialOrigin, description="Whether a material is a catalog baseline or local one."
)
TimeUnit = strawberry.enum(enums.TimeUnit, description="Unit of a time limit (时限单位).")
ResultType = strawberry.enum(enums.ResultType, description="Result type (审批结果类型).")
Channel = strawberry.enum(enums.Channel, description="A channel the public can use (办理渠道).")
ServiceScope = strawberry.enum(enums.ServiceScope, description="Service scope (通办范围).")
RegionLevel = strawberry.enum(enums.RegionLevel, description="Level of a region (区划层级).")
VersionStatus = strawberry.enum(enums.VersionStatus, description="Lifecycle of a version.")


@strawberry.enum(description="Place of a catalog item in the tree (主项 → 子项 → 业务办理项).")
class CatalogNodeKind(Enum):
    MAIN = "main"
    SUB = "sub"
    HANDLING = "handling"


FundManagement = strawberry.enum(
    enums.FundManagement, description="Fund management (资金管理方式)."
)
ProviderNature = strawberry.enum(
    enums.ProviderNature, description="Nature of an intermediary provider (机构性质)."
)
IntermediaryCharging = strawberry.enum(
    enums.IntermediaryCharging, description="Whether and how an intermediary charges (收费方式)."
)
ScenarioTheme = strawberry.enum(
    enums.ScenarioTheme, description="Life-cycle theme of a scenario (一件事主题, e.g. 出生)."
)
ScenarioLifeCycle = strawberry.enum(
    enums.ScenarioLifeCycle, description="Whose life cycle a scenario serves (自然人 / 法人)."
)
