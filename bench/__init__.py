"""Benchmarks of itprosig at scale: `make bench` (see BENCHMARKS.md). Not part of the test suite."""
