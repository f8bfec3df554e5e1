"""Benchmarks: ``python -m bench --help``. Results go to bench/RESULTS.md."""
