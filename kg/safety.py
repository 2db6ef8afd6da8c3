"""What a query sent to `kg serve` may not do: reach other hosts through a federated ``SERVICE``.

Oxigraph evaluates ``SERVICE <http://host:port/…>`` by sending an HTTP request from the server, so a
query could make the endpoint probe any host and port it can reach.  The query text is therefore
scanned, token by token, before it is evaluated: comments, strings, IRIs, variables and language
tags are skipped as SPARQL's grammar delimits them, and every remaining word is checked.  The check
errs on the side of refusing: ``SERVICE`` as a keyword, as the prefix of a prefixed name
(Oxigraph reads ``SERVICE:x`` as ``SERVICE :x``) or after a dot inside one is refused; a local name
(``schema:Service``), a variable (``?service``) or text inside a string or an IRI is not.

Nothing else in a query reaches outside the store: ``FROM <iri>`` names graphs of the store (it is
not fetched), ``LOAD`` is an update (refused) and SPARQL has no file access.
"""

from __future__ import annotations

import re

# One token at a time, in the order SPARQL's grammar tells them apart at their first character.
_TOKEN = re.compile(r"""
    (?P<space>[\x20\t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<variable>[?$](?:\w|[\u00b7\u0300-\u036f\u203f\u2040])+)
  | (?P<language>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<name>(?:\w|[-.:%\u00b7\u0300-\u036f\u203f\u2040]|\\.)+)
  | (?P<other>.)
""", re.X | re.S)


def federated(query: str) -> bool:
    """Whether Oxigraph could read a ``SERVICE`` (a call to another endpoint) in ``query``."""
    return any(m.lastgroup == "name" and _names_service(m.group()) for m in _TOKEN.finditer(query))


def _names_service(name: str) -> bool:
    prefix, colon, local = name.partition(":")
    if not colon:
        return any(part.upper() == "SERVICE" for part in prefix.split("."))
    # a prefixed name: its prefix may be read as the keyword, and so may a part after a dot
    return (any(part.upper() == "SERVICE" for part in prefix.split("."))
            or any(part.upper() == "SERVICE" for part in re.split(r"[.:]", local)[1:]))
