"""Choices the command line offers before it loads the modules that act on them (so `kg --help` stays fast)."""

VIEW_KINDS = ("all", "officials", "places", "events")
DEFAULT_MAX_NODES = 3000  # a view larger than this is aggregated (see kg.view.select)
QUERY_FORMATS = ("table", "csv", "tsv", "json")  # kg.query.FORMATS; a test keeps the two the same
