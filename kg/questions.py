"""The shipped questions: SPARQL files in kg/queries/ with a comment header naming their parameters.

A question file opens with comment lines::

    # title: Officials of an organisation
    # description: Who holds a post in the organisation …
    # param: org — the organisation's label or full name (东城区委)
    # param: from date — the first day, YYYY-MM-DD (2023-01-01)

A parameter is a query variable of the same name.  Its value becomes an RDF term (a ``name`` a
Simplified ``@zh-Hans`` literal, as labels are stored; a ``date`` a checked ``xsd:date``), never
text pasted into the query; ``kg.query.execute`` binds it.  A user's own .rq file may use the same header.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from kg import terms
from kg.normalise import to_simplified

KINDS = ("name", "date")
_HEADER = re.compile(r"#\s*(title|description|param):\s*(.*)")
_PARAM = re.compile(r"(?P<name>[A-Za-z_]\w*)(?:\s+(?P<kind>\w+))?\s*[—–-]+\s*(?P<meaning>.*?)"
                    r"(?:\s*\((?P<example>[^()]*)\))?\s*$")
_QUESTION_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


class QuestionError(ValueError):
    """A malformed question file or a parameter that is missing, unknown or of the wrong form."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # one of KINDS
    meaning: str
    example: str


@dataclass(frozen=True)
class Question:
    name: str  # the file name without .rq
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str  # the whole file, header included (comments are valid SPARQL)

    def usage(self) -> str:
        params = " ".join(f"--param {p.name}={p.example}" for p in self.parameters)
        return f"{self.name} {params}".strip()

    def bindings(self, values: dict[str, str]) -> dict[str, str]:
        """The RDF terms to bind (N-Triples syntax, kg.terms), from ``--param name=value`` strings; errors
        say what is expected."""
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise QuestionError(f"{self.name}: no parameter {', '.join(unknown)} (its parameters: {known})")
        missing = [p for p in self.parameters if p.name not in values]
        if missing:
            needed = " ".join(f"--param {p.name}=…" for p in missing)
            explained = "; ".join(f"{p.name}: {p.meaning}, e.g. {p.example}" for p in missing)
            raise QuestionError(f"{self.name} needs {needed} ({explained})")
        return {name: _term(declared[name], value) for name, value in values.items()}


def _term(param: Parameter, value: str) -> str:
    value = value.strip()
    if param.kind == "date":
        try:
            return terms.typed(dt.date.fromisoformat(value).isoformat(), _XSD_DATE)
        except ValueError as exc:
            raise QuestionError(f"parameter {param.name}={value!r}: not a date; write YYYY-MM-DD, "
                                f"e.g. {param.example}") from exc
    if not value:
        raise QuestionError(f"parameter {param.name} is empty; give {param.meaning}, e.g. {param.example}")
    return terms.text(to_simplified(value), "zh-Hans")


def parse(name: str, text: str) -> Question:
    """Read a question's header; a header line that does not parse is an error naming the file."""
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.groups()
        if key != "param":
            fields[key] = value.strip()
            continue
        p = _PARAM.match(value.strip())
        if not p or (p["kind"] or "name") not in KINDS:
            raise QuestionError(f"{name}.rq line {lineno}: write `# param: NAME [{'|'.join(KINDS)}] — meaning "
                                f"(example)`, not {line!r}")
        params.append(Parameter(p["name"], p["kind"] or "name", p["meaning"], p["example"] or ""))
    return Question(name, fields.get("title", name), fields.get("description", ""), tuple(params), text)


@cache
def catalogue() -> dict[str, Question]:
    """Every shipped question by name, in name order."""
    folder = resources.files("kg") / "queries"
    found = sorted((f for f in folder.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
    return {f.name[:-3]: parse(f.name[:-3], f.read_text(encoding="utf-8")) for f in found}


def listing() -> str:
    """The catalogue as a user reads it: name and parameters, then the title and how to run it."""
    blocks = []
    for q in catalogue().values():
        params = "\n".join(f"    {p.name}: {p.meaning}" for p in q.parameters)
        blocks.append(f"{q.name} — {q.title}\n{params}\n    e.g. kg query GRAPH {q.usage()}")
    return "\n\n".join(blocks)


def is_question_name(text: str) -> bool:
    return bool(_QUESTION_NAME.fullmatch(text))


def resolve(query: str) -> Question:
    """A shipped question by name, a .rq file (its header read), or SPARQL text (no parameters)."""
    if is_question_name(query) and not Path(query).exists():
        questions = catalogue()
        if query in questions:
            return questions[query]
        raise QuestionError(f"no shipped question {query!r}; `kg query GRAPH --list` shows them: "
                            f"{', '.join(questions)}")
    if query.endswith(".rq") or (len(query) < 300 and "\n" not in query and Path(query).is_file()):
        path = Path(query)
        try:
            return parse(path.stem, path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise QuestionError(f"{query}: cannot read the query file ({exc.strerror})") from exc
    return Question("query", "query", "", (), query)
