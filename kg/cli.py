"""The ``kg`` command: a thin layer over the library; every error names the file and the fix."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg import evaluate, query
from kg.export import export_all
from kg.network import DEFAULT_MAX_NODES, KINDS

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology" / "officials.ttl"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="officials-kg")
def main() -> None:
    """Build a knowledge graph of officials, posts, places and events from Chinese news."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="output", show_default=True, type=click.Path(path_type=Path),
              help="Directory for graph.ttl, graph.jsonld, graph.trig and graph.html.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def build(inputs: tuple[Path, ...], out_dir: Path, quiet: bool) -> None:
    """Read articles (.txt, .html, .jsonl files or directories) and write the graph.

    Example: kg build seeds/ --out output/
    """
    from kg.pipeline import build as run_build

    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise click.ClickException(f"no such file or directory: {', '.join(missing)}")
    result = run_build(inputs, progress=not quiet)
    if result.documents:
        written = export_all(result.graph, result.dataset, out_dir)
    else:
        written = []
    for problem in result.skipped:
        click.echo(f"skipped {problem}", err=True)
    if not quiet:
        c = result.counts()
        click.echo(f"{c['documents']} documents, {c['officials']} officials, {c['events']} events, "
                   f"{c['places']} places, {c['triples']} triples in {result.seconds:.1f} s")
        for path in written:
            if path.parent == out_dir:
                click.echo(f"  wrote {path}")
        pages = [p for p in written if p.parent != out_dir]
        if pages:
            click.echo(f"  wrote {len(pages)} pages in {pages[0].parent}")
    if not result.files:
        raise click.ClickException(f"no .txt, .html, .htm or .jsonl file in {', '.join(map(str, inputs))}; "
                                   "nothing was written")
    if not result.documents:
        raise click.ClickException(f"none of the {result.files} files could be read (reasons above); "
                                   "nothing was written")
    if result.skipped:
        sys.exit(3)


@main.command(name="query")
@click.argument("graph")
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(sorted(query.FORMATS)), default="table", show_default=True)
def query_cmd(graph: str, sparql: str, fmt: str) -> None:
    """Run SPARQL (text or a .rq file) on a graph file or a build's --out directory.

    Example: kg query output/ 'SELECT ?name WHERE { ?p a ok:Official ; rdfs:label ?name }'
    """
    try:
        g = query.load_graph(graph)
        result = query.run(g, query.query_text(sparql))
    except query.QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    text = query.FORMATS[fmt](result)
    click.echo(text, nl=not text.endswith("\n"))


@main.command(name="eval")
@click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Annotated reference, e.g. ../shared/gold/seeds.json.")
@click.argument("graphs", nargs=-1, required=True)
@click.option("--ontology", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Ontology for subclass typing (default: the project's ontology/officials.ttl).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
def eval_cmd(gold: Path, graphs: tuple[str, ...], ontology: Path | None, as_json: bool) -> None:
    """Precision, recall and F1 per metric against a gold annotation.

    Example: kg eval --gold ../shared/gold/seeds.json output/graph.ttl
    """
    import json

    try:
        paths = [query.graph_file(g) for g in graphs]
    except query.QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    onto = ontology or (ONTOLOGY if ONTOLOGY.exists() else None)
    try:
        report = evaluate.score([*paths, *([onto] if onto else [])], gold)
    except evaluate.EvaluationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1) if as_json else report.to_text())


@main.command()
@click.argument("graph")
@click.option("--out", "out_file", default="view.html", show_default=True, type=click.Path(path_type=Path),
              help="The HTML page to write (it works offline: everything it needs is inside it).")
@click.option("--focus", help="Centre the view on this official (or any node), by name or IRI.")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(0, 10),
              help="With --focus: how many links away from the centre to draw.")
@click.option("--kind", type=click.Choice(KINDS), default="all", show_default=True,
              help="officials: posts and co-participation; places: who went where; events: who did what, where.")
@click.option("--max-nodes", default=DEFAULT_MAX_NODES, show_default=True, type=click.IntRange(1),
              help="Above this many nodes the page shows officials and places only, and says so.")
def view(graph: str, out_file: Path, focus: str | None, depth: int, kind: str, max_nodes: int) -> None:
    """Write an interactive HTML view of a graph file or a build's --out directory.

    Example: kg view output/ --focus 张三 --depth 2 --out view.html
    """
    from kg.export import write_atomic
    from kg.network import NetworkError, knowledge_network
    from kg.view import render_view, select

    try:
        chosen = select(knowledge_network(query.load_graph(graph)), kind, focus, depth, max_nodes)
    except (query.QueryError, NetworkError) as exc:
        raise click.ClickException(str(exc)) from exc
    write_atomic(out_file, render_view(chosen))
    note = " (reduced: more than --max-nodes)" if chosen.notice else ""
    click.echo(f"wrote {out_file}: {len(chosen.graph)} nodes, {chosen.graph.number_of_edges()} edges{note}")


@main.command()
@click.argument("graph")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every figure to this file: .json, or .csv (one figure per row).")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1), help="Rows printed per table.")
def stats(graph: str, out_file: Path | None, top: int) -> None:
    """Network figures: officials by degree and betweenness, co-participation, places, communities, counts.

    Example: kg stats output/ --out stats.json
    """
    from kg.export import write_atomic
    from kg.network import knowledge_network
    from kg.stats import compute

    if out_file is not None and out_file.suffix.lower() not in (".json", ".csv"):
        raise click.ClickException(f"{out_file}: --out must end in .json or .csv")
    try:
        figures = compute(knowledge_network(query.load_graph(graph)))
    except query.QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(figures.to_text(top), nl=False)
    if out_file is not None:
        write_atomic(out_file, figures.to_json() if out_file.suffix.lower() == ".json" else figures.to_csv())
        click.echo(f"wrote {out_file}")
