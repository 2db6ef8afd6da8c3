"""The HTTP side of `kg serve`: bounded connections, deadlines, and a 4xx for every malformed request.

One asyncio loop reads and writes every connection, so a silent or half-open connection costs a
socket, not a thread; h11 (a small, strict HTTP/1.1 parser) frames requests, so a bad request line,
a bad or conflicting ``Content-Length``, oversized headers or an unsupported transfer coding are
answered with its 4xx/5xx hint instead of a dropped connection.  On top of it:

* at most ``connections`` connections are served at once; the next ones get 503 with
  ``Retry-After`` and are closed;
* a connection that sends nothing for ``idle_timeout`` seconds is closed, and a request whose head
  and body have not arrived ``idle_timeout`` seconds after its first byte gets 408 (a client that
  sends a byte at a time cannot hold a connection open);
* a body over ``max_body`` bytes gets 413 without being read;
* a response the client does not read within ``idle_timeout`` seconds closes the connection.

The request itself is answered by ``Endpoint.respond`` in a thread (it waits for a query worker);
there is one thread at most per connection, so threads are bounded too.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import resource
import signal
import socket
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING

import h11

if TYPE_CHECKING:
    from kg.serve import Endpoint, Response

_LINGER_SECONDS = 1.0  # after an error answer, how long the client's unread input is drained
_LINGER_BYTES = 1 << 20
_TOO_LARGE_HEAD = "the request line and headers are too large; send a long query by POST, in the body"


@dataclass(frozen=True)
class ConnectionLimits:
    connections: int = 256  # served at once
    idle_timeout: float = 10.0  # seconds of silence before a connection is closed (and per request)
    max_body: int = 1 << 20  # bytes of a request body (a SPARQL query)
    header_bytes: int = 64 << 10  # bytes of a request line and headers
    backlog: int = 1024  # connections the system keeps waiting to be accepted


class _SilentClose(Exception):  # noqa: N818 - a way out, not an error
    """The connection ended, or stayed idle past the timeout, between requests: close it quietly."""


class _RefusedError(Exception):
    """A request answered with an error; the connection is closed after it."""

    def __init__(self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()):
        super().__init__(message)
        self.status = status
        self.headers = headers


class Server:
    """A threaded-server look-alike (``serve_forever``, ``shutdown``, ``server_close``) over asyncio."""

    def __init__(self, endpoint: Endpoint, host: str = "127.0.0.1", port: int = 7878,
                 limits: ConnectionLimits | None = None):
        self.endpoint = endpoint
        self.limits = limits or ConnectionLimits()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind((host, port))
            self.socket.listen(self.limits.backlog)
        except OSError:
            self.socket.close()
            raise
        self.server_address = self.socket.getsockname()
        self.open = 0  # connections being served
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self._stopped = threading.Event()

    # --- running

    def serve_forever(self) -> None:
        _raise_file_limit()
        try:
            asyncio.run(self._main())
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop ``serve_forever`` (from another thread) and wait until it has returned."""
        self._started.wait()
        if self._loop is not None and not self._stopped.is_set():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._stopped.wait()

    def server_close(self) -> None:
        self.socket.close()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        executor = ThreadPoolExecutor(max_workers=self.limits.connections, thread_name_prefix="kg-serve")
        tasks: set[asyncio.Task] = set()

        async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            tasks.add(task)
            try:
                await self._connection(reader, writer, executor)
            except asyncio.CancelledError:
                pass  # the server is stopping
            finally:
                tasks.discard(task)

        if threading.current_thread() is threading.main_thread():  # Ctrl-C and SIGTERM stop it in order
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._loop.add_signal_handler(signum, self._stop.set)

        server = await asyncio.start_server(accepted, sock=self.socket, backlog=self.limits.backlog,
                                            limit=self.limits.header_bytes)
        self._started.set()
        try:
            await self._stop.wait()
        finally:
            server.close()
            for task in list(tasks):
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            executor.shutdown(wait=False, cancel_futures=True)

    # --- one connection

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                          executor: ThreadPoolExecutor) -> None:
        if self.open >= self.limits.connections:
            await self._close_with(writer, reader, _raw_response(
                HTTPStatus.SERVICE_UNAVAILABLE, f"the endpoint serves {self.limits.connections} connections at once; "
                "try again in a moment", (("Retry-After", "1"),)))
            return
        self.open += 1
        peer = writer.get_extra_info("peername")
        client = peer[0] if peer else ""
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=self.limits.header_bytes)
        try:
            while True:
                try:
                    method, target, headers, body = await self._request(conn, reader, writer)
                except _SilentClose:
                    break
                except _RefusedError as refusal:
                    await self._close_with(writer, reader, _error(conn, refusal.status, str(refusal),
                                                                  refusal.headers))
                    return
                response = await self._answer(executor, method, target, headers, body, client)
                if not await self._send(writer, conn, response, head_only=method == "HEAD"):
                    break
                if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                    break
                conn.start_next_cycle()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except Exception:  # a bug: say it where the operator sees it; this connection closes, the server goes on
            traceback.print_exc(file=sys.stderr)
        finally:
            self.open -= 1
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), self.limits.idle_timeout)

    async def _request(self, conn: h11.Connection, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> tuple[str, str, dict[str, str], bytes]:
        """Read one whole request, within the deadlines; raise _SilentClose or _RefusedError."""
        loop = asyncio.get_running_loop()
        limits = self.limits
        deadline = None  # set at the request's first byte

        async def next_event():
            nonlocal deadline
            while True:
                try:
                    event = conn.next_event()
                except h11.RemoteProtocolError as exc:
                    raise _RefusedError(exc.error_status_hint, _protocol_message(exc)) from exc
                if event is not h11.NEED_DATA:
                    return event
                wait = limits.idle_timeout if deadline is None else deadline - loop.time()
                try:
                    data = await asyncio.wait_for(reader.read(65536), max(0.0, wait))
                except TimeoutError:
                    if deadline is None:
                        raise _SilentClose from None
                    raise _RefusedError(HTTPStatus.REQUEST_TIMEOUT, f"the request did not arrive within "
                                   f"{limits.idle_timeout:g} s; send it whole") from None
                if not data and deadline is None:
                    raise _SilentClose
                if deadline is None:
                    deadline = loop.time() + limits.idle_timeout
                conn.receive_data(data)

        request = await next_event()
        if isinstance(request, h11.ConnectionClosed):
            raise _SilentClose
        # h11 bounds a head that arrives in pieces; one that arrives whole is measured here
        if len(request.target) + sum(len(n) + len(v) + 4 for n, v in request.headers) > limits.header_bytes:
            raise _RefusedError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, _TOO_LARGE_HEAD)
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in request.headers}
        declared = headers.get("content-length", "0")  # h11 has checked that it is a number
        if len(declared) > 12 or int(declared) > limits.max_body:
            raise _RefusedError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the request body has {declared} bytes; a query "
                           f"may have at most {limits.max_body}")
        if conn.they_are_waiting_for_100_continue:
            await self._write(writer, conn.send(h11.InformationalResponse(status_code=100, headers=[])))
        body = bytearray()
        while not isinstance(event := await next_event(), h11.EndOfMessage):
            if isinstance(event, h11.ConnectionClosed):
                raise _SilentClose
            body += event.data
            if len(body) > limits.max_body:
                raise _RefusedError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the request body has more than "
                               f"{limits.max_body} bytes, the most a query may have")
        return request.method.decode("ascii"), request.target.decode("ascii"), headers, bytes(body)

    async def _answer(self, executor: ThreadPoolExecutor, method: str, target: str, headers: dict[str, str],
                      body: bytes, client: str) -> Response:
        loop = asyncio.get_running_loop()
        call = functools.partial(self.endpoint.respond, method, target, headers, body, client=client)
        try:
            return await loop.run_in_executor(executor, call)
        except Exception:  # a bug: answer, and say it where the operator sees it
            traceback.print_exc(file=sys.stderr)
            from kg.serve import Response

            return Response(HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
                            b"internal error; the server's log has the details\n")

    async def _send(self, writer: asyncio.StreamWriter, conn: h11.Connection, response: Response,
                    head_only: bool) -> bool:
        headers = [("Content-Type", response.content_type), ("Content-Length", str(len(response.body))),
                   ("Server", "officials-kg"), *response.headers.items()]
        data = conn.send(h11.Response(status_code=response.status, headers=headers))
        if not head_only:
            data += conn.send(h11.Data(data=response.body))
        data += conn.send(h11.EndOfMessage())
        return await self._write(writer, data)

    async def _write(self, writer: asyncio.StreamWriter, data: bytes) -> bool:
        """Write and wait until the client has taken it, within the idle timeout."""
        writer.write(data)
        try:
            await asyncio.wait_for(writer.drain(), self.limits.idle_timeout)
        except (TimeoutError, ConnectionError):
            return False
        return True

    async def _close_with(self, writer: asyncio.StreamWriter, reader: asyncio.StreamReader, data: bytes) -> None:
        """Answer, then read what the client still sends for a moment before closing, so that the
        answer is not lost to a connection reset."""
        if await self._write(writer, data):
            with contextlib.suppress(OSError, RuntimeError):
                writer.write_eof()
            drained = 0
            with contextlib.suppress(TimeoutError, ConnectionError):
                async with asyncio.timeout(_LINGER_SECONDS):
                    while drained < _LINGER_BYTES and (chunk := await reader.read(65536)):
                        drained += len(chunk)
        writer.close()


def _error(conn: h11.Connection, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    """An error answer that closes the connection, through h11 when its state allows."""
    try:
        body = (message.rstrip() + "\n").encode("utf-8")
        response = h11.Response(status_code=status, headers=[
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
            ("Connection", "close"), ("Server", "officials-kg"), *headers])
        return conn.send(response) + conn.send(h11.Data(data=body)) + conn.send(h11.EndOfMessage())
    except h11.LocalProtocolError:
        return _raw_response(status, message, headers)


def _raw_response(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    body = (message.rstrip() + "\n").encode("utf-8")
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "Content-Type: text/plain; charset=utf-8",
             f"Content-Length: {len(body)}", "Connection: close", "Server: officials-kg",
             *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _protocol_message(exc: h11.RemoteProtocolError) -> str:
    if exc.error_status_hint == HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE:
        return _TOO_LARGE_HEAD
    return f"malformed HTTP request ({exc}); send an HTTP/1.1 request"


def _raise_file_limit() -> None:
    """Allow as many open sockets as the system lets this process have (the soft limit is often 1,024)."""
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
