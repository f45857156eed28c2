"""Who is signed in (`me`) and what was done by whom (`auditLog`, for administrators)."""

from datetime import datetime

import strawberry

from catalog_api.auth import Principal, Role
from catalog_api.catalog.queries.audit import AuditFilter, audit_page
from catalog_api.schema.context import Info
from catalog_api.schema.errors import PublicError, bad_argument
from catalog_api.schema.pagination import Connection, connection, decode_cursor, page_size
from catalog_api.schema.versioned import moment

RoleEnum = strawberry.enum(Role, name="Role", description="What a person may do.")


@strawberry.type(description="The signed-in person and what they may do.")
class Me:
    subject: str
    name: str | None
    roles: list[RoleEnum]
    agencies: list[str] = strawberry.field(description="USCCs of the agencies in scope.")
    regions: list[str] = strawberry.field(description="Region codes in scope (and below).")
    can_edit_service_items: bool
    can_review: bool
    can_edit_catalog: bool

    @classmethod
    def of(cls, principal: Principal) -> "Me":
        admin = principal.has(Role.CATALOG_ADMIN)
        return cls(
            subject=principal.subject,
            name=principal.name,
            roles=sorted(principal.roles),
            agencies=sorted(principal.agencies),
            regions=sorted(principal.regions),
            can_edit_service_items=admin or principal.has(Role.EDITOR),
            can_review=admin or principal.has(Role.REVIEWER),
            can_edit_catalog=admin,
        )


@strawberry.type(description="One write: who, when, what, and from where (审计日志).")
class AuditEntry:
    at: datetime
    actor: str | None
    action: str
    kind: str
    code: str
    version_number: int | None
    change_note: str | None
    agency_uscc: str | None
    client_address: str | None
    user_agent: str | None


@strawberry.input
class AuditFilterInput:
    code: str | None = None
    actor: str | None = None
    agency: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@strawberry.type
class PeopleQueries:
    @strawberry.field(description="The signed-in person; null when anonymous.")
    def me(self, info: Info) -> Me | None:
        principal = info.context.principal
        return None if principal is None else Me.of(principal)

    @strawberry.field(description="The audit log, newest first (catalog administrators).")
    async def audit_log(
        self,
        info: Info,
        filter: AuditFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEntry]:
        principal = info.context.principal
        if principal is None:
            raise PublicError("请先登录：此查询需要有效的访问令牌", "UNAUTHENTICATED")
        if not principal.has(Role.CATALOG_ADMIN):
            raise PublicError("审计日志仅对目录管理员开放", "FORBIDDEN")
        size = page_size(first, info.context.settings.max_page_size)
        after_key = decode_cursor(after)
        if after_key is not None and not after_key.isdigit():
            raise bad_argument("after", "不是本接口返回的游标")
        f = filter or AuditFilterInput()
        where = AuditFilter(
            code=f.code,
            actor=f.actor,
            agency_uscc=f.agency,
            since=moment(info, f.since) if f.since else None,
            until=moment(info, f.until) if f.until else None,
        )
        async with info.context.database.read() as session:
            rows, has_next = await audit_page(
                session, where, size, int(after_key) if after_key else None
            )
        return connection(
            [
                AuditEntry(
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    kind=r.kind,
                    code=r.code,
                    version_number=r.version_number,
                    change_note=r.change_note,
                    agency_uscc=r.agency_uscc,
                    client_address=r.client_address,
                    user_agent=r.user_agent,
                )
                for r in rows
            ],
            [str(r.id) for r in rows],
            has_next=has_next,
            has_previous=after_key is not None,
        )
