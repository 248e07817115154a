"""The benchmarks (`make bench`): never collected by pytest, never installed."""
