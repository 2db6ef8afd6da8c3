"""Choices the command line offers before it loads the modules that act on them (so `kg --help` stays fast)."""

VIEW_KINDS = ("all", "officials", "places", "events")
DEFAULT_MAX_NODES = 3000  # a view larger than this is aggregated (see kg.view.select)
# kg.query.SOLUTION_FORMATS and GRAPH_FORMATS; a test keeps them the same
QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "rdfxml", "jsonld")
