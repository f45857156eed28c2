"""Benchmarks of the GraphQL read API against a plain Starlette baseline (see bench/README.md)."""
