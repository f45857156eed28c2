"""What "current as of a moment" means, for every versioned kind."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from models.enums import PUBLIC_STATUSES


def current_at(version: Any, at: datetime) -> ColumnElement[bool]:
    """The version that was (or will be) the published one at `at`."""
    return and_(
        version.status.in_(PUBLIC_STATUSES),
        version.effective_from <= at,
        or_(version.effective_to.is_(None), version.effective_to > at),
    )
