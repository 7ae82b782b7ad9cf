"""The network page: the knowledge graph drawn with pyvis, as one HTML file that works offline."""

VIEWS = ("overview", "citations", "agencies", "programs", "indicators", "document", "ego")
