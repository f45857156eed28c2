"""Facet values and document bitmaps for the embedded backend.

Each facet value has the bitmap of the documents that have it (bit n = document number n). A
search turns its hits into one bitmap, and every bucket count is one AND and one popcount.
Bitmaps are stored little-endian without trailing zero bytes.
"""

from collections.abc import Iterable, Mapping, Sequence

from search.documents import FacetField, SearchDocument

FacetValue = tuple[str, str]  # (facet field, value)


def trips_bucket(onsite_visits: int) -> str:
    return "0" if onsite_visits <= 0 else "1" if onsite_visits == 1 else "2+"


def facet_values(doc: SearchDocument, region_codes: Sequence[str]) -> list[FacetValue]:
    """The (field, value) pairs a document is counted under, one per value (no empties)."""
    pairs: list[FacetValue] = [
        (FacetField.ITEM_TYPE.value, doc.item_type),
        (FacetField.AGENCY.value, doc.agency_uscc),
        (FacetField.REGION.value, region_codes[0] if region_codes else ""),  # the agency's own
        (FacetField.LEVEL.value, doc.level),
        (FacetField.ONLINE_DEPTH.value, doc.online_depth),
        (FacetField.TRIPS.value, trips_bucket(doc.onsite_visits)),
        (FacetField.CHARGING.value, "true" if doc.charging else "false"),
    ]
    pairs += [(FacetField.SERVICE_OBJECT.value, value) for value in doc.service_objects]
    pairs += [(FacetField.LIST.value, value) for value in doc.lists]
    pairs += [(FacetField.CHANNEL.value, value) for value in doc.channels]
    return list(dict.fromkeys(pair for pair in pairs if pair[1]))


def set_bits(bitmap: bytearray, docs: Iterable[int]) -> None:
    for doc in docs:
        index = doc >> 3
        if index >= len(bitmap):
            bitmap.extend(bytes(index + 1 - len(bitmap)))
        bitmap[index] |= 1 << (doc & 7)


def clear_bits(bitmap: bytearray, docs: Iterable[int]) -> None:
    for doc in docs:
        index = doc >> 3
        if index < len(bitmap):
            bitmap[index] &= ~(1 << (doc & 7)) & 0xFF


def stored(bitmap: bytearray) -> bytes:
    """The bytes to store: without trailing zero bytes (empty when no bit is set)."""
    return bytes(bitmap).rstrip(b"\x00")


def as_int(docs: Iterable[int]) -> int:
    bitmap = bytearray()
    set_bits(bitmap, docs)
    return int.from_bytes(bitmap, "little")


def count(hits: int, bitmaps: Mapping[FacetValue, int]) -> dict[str, list[tuple[str, int]]]:
    """Bucket counts per facet field: the hits among each value's documents (zeros left out)."""
    counts: dict[str, list[tuple[str, int]]] = {}
    for (field, value), bitmap in bitmaps.items():
        found = (hits & bitmap).bit_count()
        if found:
            counts.setdefault(field, []).append((value, found))
    return counts
