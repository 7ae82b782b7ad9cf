"""policykg: Chinese government policy documents as an RDF knowledge graph.

``policykg build data/documents`` reads documents into an embedded Oxigraph store;
``policykg query citations`` answers questions; ``policykg viz`` draws the network.
"""

__version__ = "0.1.0"
