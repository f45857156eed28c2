"""Write the committed SDL: `python -m catalog_api.schema.export` (or `make schema`)."""

from pathlib import Path

from strawberry.printer import print_schema

from catalog_api.schema import build_schema

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"


def sdl() -> str:
    return print_schema(build_schema()) + "\n"


if __name__ == "__main__":
    SDL_PATH.write_text(sdl(), encoding="utf-8")
    print(f"wrote {SDL_PATH}")
