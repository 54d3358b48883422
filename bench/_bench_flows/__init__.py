"""Flows of the benchmarks only (an app, so that viewflow can name them): bench/load.py installs it."""
