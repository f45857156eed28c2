"""The committed SDL is the contract with the front-end teams: it must match the code."""

from catalog_api.schema.export import SDL_PATH, sdl


def test_committed_schema_matches_the_code() -> None:
    committed = SDL_PATH.read_text(encoding="utf-8")

    assert committed == sdl(), (
        "schema drift: run `make schema` and commit catalog_api/schema.graphql"
    )
