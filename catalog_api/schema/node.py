"""The Relay `Node` interface."""

import strawberry


@strawberry.interface(description="An object with a global ID (Relay).")
class Node:
    id: strawberry.ID
