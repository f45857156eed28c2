"""The Jinan demo catalog, its loader, and the synthetic generator for benchmarks."""
