"""The policykg ontology: an OWL 2 vocabulary in Turtle, and typed Python names for its terms.

>>> from policykg.ontology import PKG
>>> str(PKG.cites)
'https://w3id.org/policykg/ontology#cites'
"""

from __future__ import annotations

from importlib import resources

NAMESPACE = "https://w3id.org/policykg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/policykg/ontology"
ONTOLOGY_FILE = "policykg.ttl"


def ontology_path():
    """Return the path of the ontology's Turtle file inside the installed package."""
    return resources.files(__name__).joinpath(ONTOLOGY_FILE)


def ontology_turtle() -> bytes:
    """Return the ontology as Turtle bytes."""
    return ontology_path().read_bytes()


def __getattr__(name: str):
    # PKG imports rdflib; load it only when asked for, so importing the package stays cheap.
    if name == "PKG":
        from policykg.ontology.terms import PKG

        return PKG
    raise AttributeError(name)
