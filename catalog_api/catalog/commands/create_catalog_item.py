"""Create a basic-catalog item (基本目录) and its first draft."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from catalog_api.catalog import events, versions
from catalog_api.catalog.errors import DomainError, ErrorCode, not_found
from catalog_api.catalog.kinds import CATALOG_ITEM
from catalog_api.db import Tx
from models import CatalogItem, CatalogItemVersion
from models.codes import CodeError, item_type_of_basic_code, normalise_catalog_code
from models.enums import ChangeAction


def parent_code_of(code: str) -> str | None:
    """Handling items hang under their sub-item, sub-items under their main item (`…00Y`)."""
    if len(code) == 14:
        return code[:12]
    if code[9:] in ("000", "00Y"):
        return None
    return code[:9] + "00Y"


async def create_catalog_item(
    tx: Tx, *, code: str, content: dict[str, Any], actor: str | None, change_note: str | None = None
) -> tuple[CatalogItem, CatalogItemVersion]:
    try:
        code = normalise_catalog_code(code)
    except CodeError as exc:
        raise DomainError.one(ErrorCode.INVALID, str(exc), "code") from None
    parsed = versions.parse_content(CATALOG_ITEM, content, "content")
    parent_id = None
    if (parent_code := parent_code_of(code)) is not None:
        statement = select(CatalogItem.id).where(CatalogItem.code == parent_code)
        parent_id = (await tx.session.execute(statement)).scalar_one_or_none()
        if parent_id is None:
            raise not_found(f"上级事项 {parent_code} 不存在，请先创建", "code")
    record = CatalogItem(code=code, item_type=item_type_of_basic_code(code), parent_id=parent_id)
    try:
        async with tx.session.begin_nested():
            tx.session.add(record)
            await tx.session.flush()
    except IntegrityError:
        raise DomainError.one(ErrorCode.DUPLICATE, f"基本编码 {code} 已存在", "code") from None
    version = versions.new_version(
        CATALOG_ITEM, record, 1, parsed, author=actor, change_note=change_note
    )
    tx.session.add(version)
    await tx.session.flush()
    await events.record_change(
        tx, CATALOG_ITEM.name, record, version, ChangeAction.CREATED, actor=actor
    )
    return record, version
