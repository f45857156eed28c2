"""Search over the published catalog: analysis, backends and the indexer (built on the change
events). The catalog never depends on it for correctness."""
