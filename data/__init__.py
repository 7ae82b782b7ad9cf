"""Reference tables shipped with policykg (the agency gazetteer); the documents beside them are examples, not package data."""
