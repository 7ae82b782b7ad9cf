"""Extractors: pure functions from a document's segmented text to records."""
