"""Benchmarks: a synthetic corpus with ground truth (corpus.py) and the stage timings (run.py)."""
