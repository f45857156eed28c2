"""The response cache: successful public responses by request, least recently used first out.

Every entry belongs to the catalog generation it was computed in. All valid entries share the
current generation, so the first sign of a newer one empties the store at once rather than
leaving dead entries to age out.
"""

from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

# What an entry costs beyond its key and body (objects, the ETag, headers): an estimate, so
# that many small responses are bounded too.
ENTRY_OVERHEAD_BYTES = 400


@dataclass(frozen=True)
class CachedResponse:
    body: bytes
    headers: Mapping[str, str]  # as first sent (content type …), without the cache headers
    etag: str
    generation: int
    size: int  # bytes charged against the store's bound


class ResponseStore:
    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self.generation = 0
        self._entries: OrderedDict[Hashable, CachedResponse] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, generation: int) -> CachedResponse | None:
        if generation != self.generation:
            self._adopt(generation)
            return None
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: Hashable, entry: CachedResponse) -> None:
        if entry.generation < self.generation or entry.size > self.max_bytes:
            return  # computed before the catalog moved on; or too large to keep at all
        if entry.generation > self.generation:
            self._adopt(entry.generation)
        previous = self._entries.pop(key, None)
        if previous is not None:
            self.bytes -= previous.size
        self._entries[key] = entry
        self.bytes += entry.size
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= evicted.size

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0

    def _adopt(self, generation: int) -> None:
        if generation > self.generation:
            self.generation = generation
            self.clear()
