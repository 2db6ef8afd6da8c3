"""The ``kg`` command: a thin layer over the library; every error names the file and the fix."""

from __future__ import annotations

import atexit
import gc
import shutil
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg import timing
from kg.choices import DEFAULT_MAX_NODES, QUERY_FORMATS, VIEW_KINDS

if TYPE_CHECKING:
    from collections.abc import Callable

    from kg.pipeline import BuildResult
    from kg.quads import QuadSpool
    from kg.validate import Violation

# At exit, leave what is still alive to the operating system: the final garbage collections would
# traverse every object of the build first (0.2–0.3 s after `kg build seeds/`, a fifth of the command).
atexit.register(gc.freeze)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="officials-kg")
def main() -> None:
    """Build a knowledge graph of officials, posts, places and events from Chinese news."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="output", show_default=True, type=click.Path(path_type=Path),
              help="Directory for graph.ttl, graph.jsonld, graph.trig and graph.html.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also keep the graph in an embedded database here (one named graph per document, "
                   "replaced when its document changes); `kg query` and `kg serve` read it without parsing.")
@click.option("--prune", is_flag=True,
              help="With --store: remove the documents of files that are no longer among the inputs.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--workers", "-j", default=1, show_default=True, type=click.IntRange(min=1),
              help="Processes that analyse articles in parallel; the output is the same for any number.")
@click.option("--no-validate", is_flag=True,
              help="Do not check the graph against the SHACL shapes (a tenth of a build's time or less).")
@click.option("--timings", "timings_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the seconds each stage took (wall and CPU, JSON) to this file.")
def build(inputs: tuple[Path, ...], out_dir: Path, store_dir: Path | None, prune: bool, quiet: bool,
          workers: int, no_validate: bool, timings_file: Path | None) -> None:
    """Read articles (.txt, .html, .jsonl files or directories) and write the graph.

    Exit code 0: all read; 3: some inputs were skipped (each is named with the reason);
    4: the graph was written but violates the shapes (see kg validate).

    Example: kg build seeds/ --out output/ --store output/store

    Example: kg build seeds/ --out output/ --store output/store --prune   # again: only changed files

    Example: kg build corpus/ --out output/ --workers 2
    """
    from kg.pipeline import build as run_build

    timing.reset()
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise click.ClickException(f"no such file or directory: {', '.join(missing)}")
    if prune and not store_dir:
        raise click.ClickException("--prune removes from a store the documents of deleted files; it needs --store DIR")
    if store_dir:
        result = _build_into_store(inputs, store_dir, workers, prune, quiet)
    else:
        result = run_build(inputs, progress=not quiet, workers=workers)
    for problem in result.skipped:
        click.echo(f"skipped {problem}", err=True)
    # with several workers the check runs in its own process while the files and pages are written
    check = None if no_validate or not result.documents else _start_check(result.quads, workers > 1)
    written = _write_outputs(result, out_dir, workers) if result.documents else []
    if not quiet:
        for path in written:
            if path.parent == out_dir:
                click.echo(f"  wrote {path}")
        pages = [p for p in written if p.parent != out_dir]
        if pages:
            click.echo(f"  wrote {len(pages)} pages in {pages[0].parent}")
    violations = [] if check is None else _check_shapes(check, out_dir, quiet)
    c = result.counts()
    seconds = timing.since_start()  # the whole command, start-up and writing included
    if not quiet and result.documents:
        click.echo(f"{c['documents']} documents, {c['officials']} officials, {c['events']} events, "
                   f"{c['places']} places, {c['triples']} triples in {seconds:.1f} s")
    if timings_file is not None:
        timing.write(timings_file, seconds=seconds, documents=result.documents, characters=result.characters,
                     triples=c["triples"], workers=workers)
    if not result.files:
        raise click.ClickException(f"no .txt, .html, .htm or .jsonl file in {', '.join(map(str, inputs))}; "
                                   "nothing was written")
    if not result.documents:
        raise click.ClickException(f"none of the {result.files} files could be read (reasons above); "
                                   "nothing was written")
    if violations:
        sys.exit(4)
    if result.skipped:
        sys.exit(3)


def _write_outputs(result: BuildResult, out_dir: Path, workers: int) -> list[Path]:
    """Write every output into a new generation and switch it in (kg.outputs); return them by the names users open."""
    from kg.export import export_all
    from kg.outputs import OutputError, new_generation

    try:
        with new_generation(out_dir) as generation:
            written = export_all(result.quads, generation, workers=workers)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write the graph to {out_dir} ({exc.strerror or exc}); the files already "
                                   "there are left whole; check the directory and the free space") from exc
    return [out_dir / path.relative_to(generation) for path in written]


def _start_check(spool: QuadSpool, fork: bool) -> Callable[[], list[Violation]]:
    """Validate a built graph when asked, or start validating it now in a child process (``fork``)."""
    from kg import validate

    try:
        with timing.stage("validate"):
            return validate.start_validation(spool, validate.SHAPES, fork=fork)
    except validate.ValidationError as exc:
        raise click.ClickException(f"{exc}; --no-validate skips the check") from exc


def _check_shapes(check: Callable[[], list[Violation]], out_dir: Path, quiet: bool) -> list[Violation]:
    """The violations of the built graph (waiting for the check); report them (the first few) on stderr."""
    from kg import validate

    try:
        with timing.stage("validate"):
            violations = check()
    except validate.ValidationError as exc:
        raise click.ClickException(f"{exc}; the graph was written, --no-validate skips the check") from exc
    if violations:
        click.echo(f"the graph violates {_count(len(violations), 'constraint')} of {validate.SHAPES.name} "
                   f"(`kg validate {out_dir}` lists them all):", err=True)
        click.echo(validate.summary(violations, limit=10), err=True)
    elif not quiet:
        click.echo(f"  valid: 0 violations of {validate.SHAPES.name}")
    return violations


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@main.command(name="validate")
@click.argument("graph")
@click.option("--shapes", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="SHACL shapes to check against (default: the shapes kg ships, ontology/shapes.ttl).")
def validate_cmd(graph: str, shapes: Path | None) -> None:
    """Check a graph against the SHACL shapes of a well-formed graph; exit 1 if it violates them.

    GRAPH is a graph file (.ttl, .jsonld, .trig) or a build's --out directory.

    Example: kg validate output/
    """
    from kg import query, validate

    shapes = shapes or validate.SHAPES
    try:
        violations = validate.validate(query.load_graph(graph), shapes)
    except (query.QueryError, validate.ValidationError) as exc:
        raise click.ClickException(str(exc)) from exc
    if violations:
        click.echo(validate.summary(violations, limit=None))
        raise click.ClickException(f"{_count(len(violations), 'violation')} of {shapes}")
    click.echo(f"{graph}: 0 violations of {shapes}")


def _build_into_store(inputs: tuple[Path, ...], store_dir: Path, workers: int, prune: bool,
                      quiet: bool) -> BuildResult:
    """Analyse only new and changed files into the store; the result holds the whole store."""
    from kg.incremental import build_into_store
    from kg.store import GraphStore, StoreError

    try:
        with GraphStore.create_or_open(store_dir) as store:
            result, update = build_into_store(list(inputs), store, workers=workers, prune=prune, progress=not quiet)
            if not quiet:
                click.echo(f"store {store_dir}: {update.analysed} files analysed, {update.unchanged} unchanged; "
                           f"{len(update.written)} document graphs written, {len(update.removed)} removed; "
                           f"{len(store.records)} documents, {len(store)} triples")
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    return result


@main.command(name="query")
@click.argument("graph")
@click.argument("sparql", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A value for a question's parameter (repeatable), e.g. --param org=东城区委.")
@click.option("--list", "list_questions", is_flag=True, help="List the shipped questions and their parameters.")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True,
              help="table, or a SPARQL results format (csv, tsv, json, xml); a CONSTRUCT's graph: turtle, "
                   "ntriples, rdfxml or jsonld.")
def query_cmd(graph: str, sparql: str | None, params: tuple[str, ...], list_questions: bool, fmt: str) -> None:
    """Run a shipped question, a .rq file or SPARQL text on a graph file, a build's --out directory
    or a --store directory.

    Example: kg query output/ officials-of-org --param org=东城区委

    Example: kg query output/ 'SELECT ?name WHERE { ?p a ok:Official ; rdfs:label ?name }'
    """
    from kg import query, questions

    if list_questions:
        click.echo(questions.listing())
        return
    if not sparql:
        raise click.UsageError("give a question name, a .rq file or SPARQL text (`--list` shows the questions)")
    values = {}
    for param in params:
        name, sep, value = param.partition("=")
        if not sep:
            raise click.BadParameter(f"{param!r}: write NAME=VALUE", param_hint="--param")
        values[name.strip()] = value
    try:
        question = questions.resolve(sparql)
        answer = query.answer(graph, question.text, fmt, question.bindings(values))
    except (query.QueryError, questions.QuestionError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(answer.text, nl=not answer.text.endswith("\n"))
    if note := query.hint(question.text):
        click.echo(f"note: {note}", err=True)


@main.command()
@click.argument("graph")
@click.option("--port", default=7878, show_default=True, help="TCP port (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default answers this machine only.")
@click.option("--time-limit", default=10.0, show_default=True, help="Seconds a query may run before it is stopped.")
@click.option("--max-rows", default=10_000, show_default=True, help="Rows (or triples) a result may have at most.")
@click.option("--workers", default=0, type=click.IntRange(min=0),
              help="Queries answered at the same time, at most: worker processes are started as needed "
                   "(default: 16 per processor core, at least 8).")
@click.option("--long-queries", default=0, type=click.IntRange(min=0),
              help="Queries running past --grace that may run at once (default: one per core); "
                   "the next one is stopped at --grace, so short queries always find a worker.")
@click.option("--grace", default=0.5, show_default=True, type=click.FloatRange(min=0),
              help="Seconds of processor time after which a query counts as long (and runs at the lowest CPU "
                   "priority).")
@click.option("--max-connections", default=256, show_default=True, type=click.IntRange(min=1),
              help="Connections served at once; more are answered 503 with Retry-After.")
@click.option("--idle-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.01),
              help="Seconds a connection may stay silent, and a request may take to arrive, before it is closed.")
@click.option("--views", "views_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Directory of graph views (graph.html …) to link from the page "
                   "(default: the output directory the graph is in).")
def serve(graph: str, port: int, host: str, time_limit: float, max_rows: int, workers: int, long_queries: int,
          grace: float, max_connections: int, idle_timeout: float, views_dir: Path | None) -> None:
    """Serve a read-only SPARQL 1.1 endpoint and a query page for a graph file, --out or --store directory.

    Example: kg serve output/ --port 7878
    """
    from kg import query
    from kg import serve as serving
    from kg.httpserver import ConnectionLimits
    from kg.workers import Limits, WorkerPool, WorkerStartError

    try:
        database, temporary = serving.prepare_database(graph)
    except query.QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    pool = None
    try:
        pool = WorkerPool(database, limits=Limits(time_limit, workers, long_queries, grace))
        views = views_dir or serving.views_of(graph)
        endpoint = serving.Endpoint(pool, max_rows, views, title=f"officials-kg: {graph}")
        try:
            server = serving.make_server(endpoint, host, port, ConnectionLimits(max_connections, idle_timeout))
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port} ({exc.strerror}); try another --port") from exc
        click.echo(f"serving {graph} at http://{host}:{server.server_address[1]}/ (SPARQL endpoint /sparql); "
                   "Ctrl-C stops")
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl-C, cleaning up
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    except WorkerStartError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if pool:
            pool.close()
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)


@main.command()
@click.argument("graph")
@click.option("--endpoint", required=True, help="SPARQL 1.1 Graph Store Protocol URL, e.g. http://HOST:7878/store.")
@click.option("--retries", default=4, show_default=True, help="Tries after a failed upload, with growing pauses.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds to keep trying one graph (connecting, waiting for the answer, retrying) before stopping.")
@click.option("--from", "start", metavar="GRAPH-IRI",
              help="Push only the graphs from this one on (in IRI order), e.g. to go on after a push that stopped.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def push(graph: str, endpoint: str, retries: int, timeout: float, start: str | None, quiet: bool) -> None:
    """Upload each document's named graph (from a --store or --out directory, or graph.trig) to a SPARQL
    server, replacing the graph there: pushing twice changes nothing.

    Example: kg push output/ --endpoint http://localhost:7878/store
    """
    from kg.push import PushError
    from kg.push import push as run_push

    try:
        report = run_push(graph, endpoint, retries, timeout=timeout, start=start)
    except PushError as exc:
        raise click.ClickException(str(exc)) from exc
    if not quiet:
        skipped = f", {report.skipped} before --from left out" if report.skipped else ""
        click.echo(f"pushed {report.graphs} document graphs ({report.triples} triples) to {endpoint} "
                   f"in {report.seconds:.1f} s{skipped}")


@main.command(name="eval")
@click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Annotated reference (JSON), anywhere, e.g. ~/gold/seeds.json.")
@click.argument("graphs", nargs=-1, required=True)
@click.option("--ontology", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Ontology for subclass typing (default: the ontology kg ships, ontology/officials.ttl).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
def eval_cmd(gold: Path, graphs: tuple[str, ...], ontology: Path | None, as_json: bool) -> None:
    """Precision, recall and F1 per metric against a gold annotation.

    Example: kg eval --gold ~/gold/seeds.json output/
    """
    import json

    from kg import evaluate, packaged, query

    try:
        paths = [query.graph_file(g, named_graphs=False) for g in graphs]
    except query.QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        report = evaluate.score([*paths, ontology or packaged.ONTOLOGY], gold)
    except evaluate.EvaluationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1) if as_json else report.to_text())


@main.command()
@click.argument("graph")
@click.option("--out", "out_file", default="view.html", show_default=True, type=click.Path(path_type=Path),
              help="The HTML page to write (it works offline: everything it needs is inside it).")
@click.option("--focus", help="Centre the view on this official (or any node), by name (Simplified or Traditional) "
                                "or IRI.")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(0, 10),
              help="With --focus: how many links away from the centre to draw.")
@click.option("--kind", type=click.Choice(VIEW_KINDS), default="all", show_default=True,
              help="officials: posts and co-participation; places: who went where; events: who did what, where.")
@click.option("--max-nodes", default=DEFAULT_MAX_NODES, show_default=True, type=click.IntRange(1),
              help="Above this many nodes the page shows officials and places only, and says so.")
def view(graph: str, out_file: Path, focus: str | None, depth: int, kind: str, max_nodes: int) -> None:
    """Write an interactive HTML view of a graph file, a build's --out directory or a --store directory.

    Example: kg view output/ --focus 张三 --depth 2 --out view.html
    """
    from kg import query
    from kg.export import write_atomic
    from kg.network import NetworkError, knowledge_network
    from kg.view import render_view, select

    try:
        chosen = select(knowledge_network(query.triples(query.open_database(graph))), kind, focus, depth, max_nodes)
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
    from kg import query
    from kg.export import write_atomic
    from kg.network import knowledge_network
    from kg.stats import compute

    if out_file is not None and out_file.suffix.lower() not in (".json", ".csv"):
        raise click.ClickException(f"{out_file}: --out must end in .json or .csv")
    try:
        figures = compute(knowledge_network(query.triples(query.open_database(graph))))
    except query.QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(figures.to_text(top), nl=False)
    if out_file is not None:
        write_atomic(out_file, figures.to_json() if out_file.suffix.lower() == ".json" else figures.to_csv())
        click.echo(f"wrote {out_file}")
