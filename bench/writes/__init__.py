"""`python -m bench.writes`: what editors' writes cost (publishes, draft updates over GraphQL,
a catalog item's publish fanning out to 13 districts × 100 derived service items)."""
