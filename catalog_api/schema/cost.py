"""An operation's estimated cost, computed before it runs.

Every field costs 1. A list field repeats its selection once per item it may return: the
`first` of the list itself (`suggest(first: 10)`), or of the page it belongs to
(`serviceItems(first: 50) { nodes {…} }`, `search(first: 20) { hits {…} }`), else the number of
`ids` asked for, else an estimate for small embedded lists (materials, facets, process steps).
An absent or null `first` counts as the argument's default, else the default page size; one
over the largest page size counts as that (the resolver refuses it with a clearer error).
Nested lists multiply. Introspection is bounded by the schema and never touches the database,
so it costs 1.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
)
from graphql.pyutils import Undefined

EMBEDDED_LIST_ESTIMATE = 10
PAGE_LISTS = frozenset({"nodes", "edges", "hits"})  # the items of a paged field
_INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


@dataclass(frozen=True)
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    default_page_size: int
    max_page_size: int


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    default_page_size: int,
    max_page_size: int,
) -> int:
    """The estimate for the operation that will run; 0 when there is none to pick (execution
    reports that itself)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    # A variable the request leaves out takes its default from the operation.
    defaults = {
        definition.variable.name.value: int(definition.default_value.value)
        for definition in operation.variable_definitions or ()
        if isinstance(definition.default_value, IntValueNode)
    }
    variables = {**defaults, **(variables or {})}
    walk = _Walk(schema, fragments, variables, default_page_size, max_page_size)
    return _selection_cost(walk, operation.selection_set, root, None, frozenset())


def _selection_cost(
    walk: _Walk,
    selection_set: SelectionSetNode,
    parent: Any,
    page: int | None,
    fragments_seen: frozenset[str],
) -> int:
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += _field_cost(walk, selection, parent, page, fragments_seen)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            on = walk.schema.get_type(condition.name.value) if condition else parent
            total += _selection_cost(walk, selection.selection_set, on, page, fragments_seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = walk.fragments.get(name)
            if fragment is None or name in fragments_seen:
                continue
            on = walk.schema.get_type(fragment.type_condition.name.value)
            total += _selection_cost(
                walk, fragment.selection_set, on, page, fragments_seen | {name}
            )
    return total


def _field_cost(
    walk: _Walk, node: FieldNode, parent: Any, page: int | None, fragments_seen: frozenset[str]
) -> int:
    name = node.name.value
    if name == "__typename":
        return 0
    if name in _INTROSPECTION_ROOTS:
        return 1
    definition = _field_definition(parent, name)
    if definition is None or node.selection_set is None:
        return 1
    own_first = _first(walk, node, definition)
    if isinstance(get_nullable_type(definition.type), GraphQLList):
        items = own_first
        if items is None:
            items = _ids_count(walk, node)
        if items is None:
            paged = page is not None and name in PAGE_LISTS
            items = page if paged else EMBEDDED_LIST_ESTIMATE
        child_page = None
    else:
        items, child_page = 1, own_first  # a connection: its lists take this page size
    child_type = get_named_type(definition.type)
    children = _selection_cost(walk, node.selection_set, child_type, child_page, fragments_seen)
    return 1 + items * children


def _field_definition(parent: Any, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return parent.fields.get(name)
    return None


def _first(walk: _Walk, node: FieldNode, definition: GraphQLField) -> int | None:
    argument = definition.args.get("first")
    if argument is None:
        return None
    value = _argument_value(walk, node, "first")
    if value is None:
        default = argument.default_value
        value = default if isinstance(default, int) and default is not Undefined else None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return walk.default_page_size
    return min(value, walk.max_page_size)


def _ids_count(walk: _Walk, node: FieldNode) -> int | None:
    for argument in node.arguments or ():
        if argument.name.value == "ids":
            if isinstance(argument.value, ListValueNode):
                return len(argument.value.values)
            value = _argument_value(walk, node, "ids")
            return len(value) if isinstance(value, list) else None
    return None


def _argument_value(walk: _Walk, node: FieldNode, name: str) -> Any:
    for argument in node.arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, VariableNode):
            return walk.variables.get(value.name.value)
        if isinstance(value, IntValueNode):
            return int(value.value)
        return None
    return None
