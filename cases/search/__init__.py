"""The regulators' search across cases (/app/search/): numbers, organisations, people."""
