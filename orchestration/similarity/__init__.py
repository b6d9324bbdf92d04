"""The copy detector: how alike each report's prose is to its agency's report of the previous
year and to the closest report of another agency of the same year (sketch.py, detect.py). Plain
Python and numpy; orchestration/warehouse/similarity_store.py reads and writes its tables."""
