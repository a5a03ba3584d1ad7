"""Benchmark tools: a bulk seed generator, a reference endpoint and a load runner."""
