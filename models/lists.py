"""Which public lists a service item appears on: the lists are views of the one catalog."""

from enum import StrEnum

from models.enums import ItemType


class PublicList(StrEnum):
    POWER = "power"  # 权责清单: item types 01–10
    PUBLIC_SERVICE = "public_service"  # 公共服务事项清单: item type 20
    FEE = "fee"  # 行政事业性收费清单: the item charges
    INTERMEDIARY = "intermediary"  # 中介服务事项清单: the item requires an intermediary service
    ZERO_TRIP = "zero_trip"  # 零跑腿: no visit on site
    ONE_TRIP = "one_trip"  # 最多跑一次: at most one visit


def public_lists(
    item_type: ItemType, onsite_visits: int, charging: bool, has_intermediaries: bool
) -> tuple[PublicList, ...]:
    lists = [PublicList.POWER if item_type.is_power else PublicList.PUBLIC_SERVICE]
    if charging:
        lists.append(PublicList.FEE)
    if has_intermediaries:
        lists.append(PublicList.INTERMEDIARY)
    if onsite_visits == 0:
        lists.append(PublicList.ZERO_TRIP)
    if onsite_visits <= 1:
        lists.append(PublicList.ONE_TRIP)
    return tuple(lists)
