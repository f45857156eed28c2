"""cProfile's top functions (by own time) as lines for the JSON. Only the calling thread is
profiled: SQLite work on aiosqlite's threads shows up as waiting, not as its own functions."""

import cProfile
import io
import pstats
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def profiled(into: Callable[[list[str]], None], top: int = 20) -> Iterator[None]:
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
        into(out.getvalue().strip().splitlines()[-(top + 2) :])
