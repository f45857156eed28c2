"""Creating scenarios (一件事) and editing their drafts. Their lifecycle (submit, publish,
withdraw …) is the generic `record*` mutations, by global ID. Catalog administrators and
editors of the lead agency (牵头部门) may edit a scenario."""

import strawberry

from catalog_api.catalog.commands.create_scenario import create_scenario
from catalog_api.catalog.kinds import SCENARIO
from catalog_api.schema.context import Info
from catalog_api.schema.enums import ScenarioTheme, ServiceObject
from catalog_api.schema.inputs import UNSET
from catalog_api.schema.mutations.lists import create_owned, update_draft_of
from catalog_api.schema.payloads import UserError
from catalog_api.schema.scenarios import Scenario


@strawberry.input(description="A member item of a scenario.")
class ScenarioMemberInput:
    item: str = strawberry.field(description="实施编码 (31) or 业务办理项编码 (33).")
    note: str | None = strawberry.field(default=UNSET, description="说明, e.g. 按需办理.")


@strawberry.input(description="A scenario (一件事); on update only the fields given change.")
class ScenarioContentInput:
    name: str | None = UNSET
    theme: ScenarioTheme | None = UNSET
    service_objects: list[ServiceObject] | None = UNSET
    members: list[ScenarioMemberInput] | None = strawberry.field(
        default=UNSET, description="At least two published service items, in order, no repeats."
    )
    description: str | None = UNSET
    process: str | None = strawberry.field(default=UNSET, description="办理流程概述.")
    address: str | None = UNSET
    consult_phone: str | None = UNSET


@strawberry.input
class ScenarioCreateInput:
    agency_uscc: str = strawberry.field(description="The lead agency (牵头部门).")
    code: str | None = strawberry.field(
        default=None,
        description="Explicit code (YJS + the lead agency's 6-digit region + 3 digits); "
        "derived if omitted.",
    )
    content: ScenarioContentInput
    change_note: str | None = None


@strawberry.input
class ScenarioDraftUpdateInput:
    id: strawberry.ID
    expected_lock_version: int
    changes: ScenarioContentInput = strawberry.field(description="Only the fields given change.")
    change_note: str | None = None


@strawberry.type
class ScenarioPayload:
    scenario: Scenario | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ScenarioMutations:
    @strawberry.mutation(description="Create a scenario (一件事) and its first draft.")
    async def scenario_create(self, info: Info, input: ScenarioCreateInput) -> ScenarioPayload:
        scenario, errors = await create_owned(info, SCENARIO, create_scenario, input)
        return ScenarioPayload(scenario=scenario, user_errors=errors)

    @strawberry.mutation(description="Change the draft of a scenario (a patch).")
    async def scenario_draft_update(
        self, info: Info, input: ScenarioDraftUpdateInput
    ) -> ScenarioPayload:
        scenario, errors = await update_draft_of(info, SCENARIO, input)
        return ScenarioPayload(scenario=scenario, user_errors=errors)
