"""Benchmarks and the synthetic shows they build (run as scripts; they print figures)."""
