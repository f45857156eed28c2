"""The yichuang service: the application layer, the GraphQL API, the HTTP app and the CLI."""
