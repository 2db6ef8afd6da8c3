"""Query workers for `kg serve`, scheduled so that long queries cannot starve short ones.

An Oxigraph query cannot be interrupted from Python, so each query runs in a worker process that
is killed when the query must stop; workers are forked from a fork server that has already imported
the query code, so a replacement is ready in tens of milliseconds instead of half a second.

How a query is scheduled:

* It gets an idle worker at once if there is one; the pool keeps ``Limits.spare`` workers idle and
  grows on demand up to ``Limits.workers`` processes (about 10 MB of their own each).  When all
  are busy it waits in a bounded queue; waiting queries are served round-robin by client address,
  so one client sending many queries does not delay another's.  A full queue, or a wait longer than
  ``Limits.wait``, is answered at once with ``BusyError`` (503 with ``Retry-After``).
* It runs at normal CPU priority for ``Limits.demote_after`` seconds (a cheap query is done by
  then), then at lower and lower priorities the more processor time it has used (nice 5, 10, 15,
  19): a young query takes the processor before older ones.  (A lowered worker is replaced after the
  query, unless the system lets it take its priority back.)
* A query that has used ``Limits.grace`` seconds of processor time (or run twice that long:
  waiting for the processor is not what makes a query long) is *long*: at most ``Limits.long_queries``
  run at once, and one client holds at most half of them.  A query that would be one too many is
  stopped at ``grace``, its worker freed, and it waits (round-robin by client again) for a long
  query to end, then runs again from the start, at the lowest priority, for up to
  ``Limits.time_limit``; if none ends within ``time_limit`` it gets ``BusyError``.  Every long
  query is stopped at ``time_limit`` (``QueryTimeoutError``).

So runaway queries cost the cheap ones a few tens of milliseconds of processor each, and a client
that sends them waits for its turn instead of coming straight back with more.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

# (processor time a query has used, in Limits.demote_after; nice value from then on): CPU weights 1/3, 1/9,
# 1/28 and 1/68 of a normal process's
_DEMOTION = ((1, 5), (2, 10), (4, 15), (6, 19))
_LOWEST_PRIORITY = 19
_WALL_GRACE = 2  # a query that has run this many graces (wall clock) is long however little processor it got


def cores() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Limits:
    """How many queries run, how long, and how many wait; the defaults are sized from the cores."""

    time_limit: float = 10.0  # seconds a query may run
    workers: int = 0  # processes answering queries at once, at most; 0: 16 per core, at least 8
    long_queries: int = 0  # long queries running at once; 0: one per core, at most workers - 1
    grace: float = 0.5  # seconds of processor time after which a query counts as long
    queue: int = 0  # queries that may wait for a worker; 0: 4 per worker
    wait: float = 0.0  # seconds a query may wait for a worker; 0: the time limit
    spare: int = 2  # idle workers kept ready
    demote_after: float = 0.05  # seconds of processor time after which a query runs at a lower CPU priority

    def resolved(self) -> Limits:
        workers = self.workers or max(8, 16 * cores())
        long_queries = min(self.long_queries or cores(), max(1, workers - 1))
        grace = min(self.grace, self.time_limit)
        return Limits(self.time_limit, workers, long_queries, grace, self.queue or 4 * workers,
                      self.wait or self.time_limit, min(self.spare, workers), min(self.demote_after, grace))


class QueryTimeoutError(Exception):
    """A query ran past the time limit; its worker has been stopped."""


class BusyError(Exception):
    """The endpoint cannot take the query now; ``retry_after`` seconds is a fair pause."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class WorkerDiedError(Exception):
    """A worker died while answering (e.g. out of memory)."""


class WorkerStartError(Exception):
    """A worker could not open the database."""


def _isolate_network() -> None:
    """Leave the host's network (Linux: a new, empty network namespace), where the system allows it.

    Queries are checked for SERVICE before they run (kg.safety); this makes sure that even a query
    that slipped through could not reach another host or port.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        new_user, new_net = 0x10000000, 0x40000000
        if libc.unshare(new_net) != 0:
            libc.unshare(new_user | new_net)
    except (OSError, AttributeError):
        pass


def _worker_main(conn, database_dir: str) -> None:
    """A worker process: answer (query, format, max_rows) requests until told to stop."""
    import pyoxigraph as ox

    from kg.serve import execute

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    _isolate_network()
    database = ox.Store.read_only(database_dir)
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except EOFError:  # the server is gone
            return
        if request is None:
            return
        conn.send(execute(database, *request))


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: object
    niced: bool = False


@dataclass(eq=False)
class _Ticket:
    """A query waiting for a worker or for a long-query slot."""

    client: str
    ready: threading.Event = field(default_factory=threading.Event)
    worker: _Worker | None = None  # the worker given (None for a slot)


class _FairQueue:
    """Waiting tickets, taken round-robin by client (the caller holds the pool's lock)."""

    def __init__(self) -> None:
        self._waiting: dict[str, deque[_Ticket]] = {}
        self._turns: deque[str] = deque()
        self.size = 0

    def push(self, ticket: _Ticket) -> None:
        if ticket.client not in self._waiting:
            self._waiting[ticket.client] = deque()
            self._turns.append(ticket.client)
        self._waiting[ticket.client].append(ticket)
        self.size += 1

    def pop(self, allowed=lambda client: True) -> _Ticket | None:
        """The next client's first ticket, skipping clients not ``allowed`` now."""
        for _ in range(len(self._turns)):
            client = self._turns.popleft()
            if not allowed(client):
                self._turns.append(client)
                continue
            tickets = self._waiting[client]
            ticket = tickets.popleft()
            if tickets:
                self._turns.append(client)
            else:
                del self._waiting[client]
            self.size -= 1
            return ticket
        return None

    def remove(self, ticket: _Ticket) -> bool:
        tickets = self._waiting.get(ticket.client)
        if tickets is None or ticket not in tickets:
            return False
        tickets.remove(ticket)
        self.size -= 1
        if not tickets:
            del self._waiting[ticket.client]
            self._turns.remove(ticket.client)
        return True


class WorkerPool:
    """Worker processes over one read-only database, scheduled as the module says."""

    def __init__(self, database_dir: Path, size: int = 0, time_limit: float = 10.0, limits: Limits | None = None):
        self.database_dir = str(database_dir)
        self.limits = (limits or Limits(time_limit=time_limit, workers=size)).resolved()
        self.time_limit = self.limits.time_limit
        methods = multiprocessing.get_all_start_methods()
        # never fork the threaded server itself; fork from a server that imported the query code
        self._context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            self._context.set_forkserver_preload(["kg.serve"])
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._starting = 0
        self._for_worker = _FairQueue()
        self._for_slot = _FairQueue()
        self._long: dict[object, tuple[str, float]] = {}  # slot holder → client, when its query ends at the latest
        self._closed = False
        for _ in range(min(self.limits.workers, max(cores(), self.limits.spare))):
            self._add(self._start())

    # --- processes

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child, self.database_dir), daemon=True)
        process.start()
        child.close()
        if not parent.poll(60) or parent.recv() != "ready":
            process.kill()
            raise WorkerStartError(f"{self.database_dir}: a query worker could not open the database")
        return _Worker(process, parent)

    def _add(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.process.kill()
                return
            self._all.add(worker)
            self._give(worker)

    def _give(self, worker: _Worker) -> None:
        """Hand an idle worker to the next waiting query (lock held)."""
        ticket = self._for_worker.pop()
        if ticket is None:
            self._idle.append(worker)
        else:
            ticket.worker = worker
            ticket.ready.set()

    def _grow(self) -> None:
        """Start workers in the background until ``spare`` are idle or ready soon (lock held)."""
        limits = self.limits
        while (len(self._idle) + self._starting < limits.spare + self._for_worker.size
               and len(self._all) + self._starting < limits.workers and not self._closed):
            self._starting += 1
            threading.Thread(target=self._start_one, daemon=True).start()

    def _start_one(self) -> None:
        try:
            worker = self._start()
        except (WorkerStartError, EOFError, OSError):
            worker = None  # the pool runs on with one worker fewer; waiting queries time out and say so
        with self._lock:
            self._starting -= 1
        if worker is not None:
            self._add(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker (stopped, or lowered in priority for good); others start as needed."""
        worker.process.kill()
        with self._lock:
            self._all.discard(worker)
            self._grow()
        threading.Thread(target=_reap, args=(worker,), daemon=True).start()

    def _release(self, worker: _Worker) -> None:
        if worker.niced:
            try:
                os.setpriority(os.PRIO_PROCESS, worker.process.pid, 0)
                worker.niced = False
            except OSError:  # only a privileged process may raise a priority again
                self._retire(worker)
                return
        with self._lock:
            self._give(worker)

    # --- queries

    def run(self, query: str, fmt: str | None, max_rows: int, client: str = "") -> object:
        """Answer one query in a worker; raise ``BusyError``, ``QueryTimeoutError`` or ``WorkerDiedError``."""
        limits = self.limits
        worker = self._acquire(client)
        started = time.monotonic()
        try:
            clock = _ProcessorClock(worker.process.pid)
            worker.conn.send((query, fmt, max_rows))
            if worker.conn.poll(limits.demote_after):
                return self._finish(worker)
            # by the processor time it takes (a query that only waited for the processor is not long),
            # or by the wall clock past ``_WALL_GRACE`` graces
            levels = iter(_DEMOTION)
            level = next(levels)
            while (used := clock.seconds()) < limits.grace and time.monotonic() - started < _WALL_GRACE * limits.grace:
                while level is not None and used >= level[0] * limits.demote_after:
                    _lower(worker, level[1])
                    level = next(levels, None)
                if worker.conn.poll(limits.demote_after / 2):
                    return self._finish(worker)
        except (EOFError, OSError) as exc:  # the worker died (e.g. out of memory)
            self._retire(worker)
            raise WorkerDiedError from exc
        slot = object()
        if self._take_slot(slot, client):
            return self._run_long(worker, slot, client, started, None)
        self._retire(worker)  # one long query too many: free the worker while it waits for a slot
        self._wait_slot(slot, client)
        try:
            worker = self._acquire(client)
        except BusyError:
            self._free_slot(slot)
            raise
        return self._run_long(worker, slot, client, time.monotonic(), (query, fmt, max_rows))

    def _run_long(self, worker: _Worker, slot: object, client: str, started: float, request: tuple | None) -> object:
        """Go on with a long query holding a slot (or start it again, ``request`` given), to the time limit."""
        try:
            _lower(worker, _LOWEST_PRIORITY)
            if request is not None:
                worker.conn.send(request)
            if worker.conn.poll(max(0.0, started + self.limits.time_limit - time.monotonic())):
                return self._finish(worker)
        except (EOFError, OSError) as exc:
            self._retire(worker)
            raise WorkerDiedError from exc
        finally:
            self._free_slot(slot)
        self._retire(worker)
        raise QueryTimeoutError

    def _finish(self, worker: _Worker) -> object:
        response = worker.conn.recv()
        self._release(worker)
        return response

    def _acquire(self, client: str) -> _Worker:
        ticket = _Ticket(client)
        with self._lock:
            if self._idle and not self._for_worker.size:
                worker = self._idle.pop()
                self._grow()
                return worker
            if self._for_worker.size >= self.limits.queue:
                raise BusyError(f"{self._for_worker.size} queries are waiting already", 1)
            self._for_worker.push(ticket)
            self._grow()
        if not ticket.ready.wait(self.limits.wait):
            with self._lock:
                if self._for_worker.remove(ticket):  # still waiting: give up
                    raise BusyError(f"no worker was free for {self.limits.wait:g} s", self._retry_after_locked())
        return ticket.worker

    # --- long-query slots

    def _may_hold(self, client: str) -> bool:
        """Whether ``client`` may take one more long-query slot (lock held)."""
        mine = sum(1 for who, _ in self._long.values() if who == client)
        return len(self._long) < self.limits.long_queries and mine < max(1, self.limits.long_queries // 2)

    def _take_slot(self, slot: object, client: str) -> bool:
        with self._lock:
            if self._for_slot.size or not self._may_hold(client):
                return False
            self._long[slot] = (client, time.monotonic() + self.limits.time_limit)
            return True

    def _wait_slot(self, slot: object, client: str) -> None:
        """Wait for a long-query slot, at most the time limit; raise ``BusyError`` if none frees."""
        ticket = _Ticket(client)
        with self._lock:
            if self._for_slot.size >= self.limits.queue:
                raise BusyError(f"{self.limits.long_queries} long queries are running and "
                                f"{self._for_slot.size} waiting", self._retry_after_locked())
            self._for_slot.push(ticket)
        if not ticket.ready.wait(self.limits.time_limit):
            with self._lock:
                if self._for_slot.remove(ticket):
                    limits = self.limits
                    raise BusyError(f"no place for one more long query freed up in {limits.time_limit:g} s "
                                    f"({limits.long_queries} run at once, {max(1, limits.long_queries // 2)} per "
                                    f"client); this one was stopped after {limits.grace:g} s of processor time",
                                    self._retry_after_locked())
        with self._lock:  # the slot was handed over under the ticket's name: take it under the query's
            self._long[slot] = self._long.pop(ticket)

    def _free_slot(self, slot: object) -> None:
        with self._lock:
            self._long.pop(slot, None)
            while len(self._long) < self.limits.long_queries:
                ticket = self._for_slot.pop(self._may_hold)
                if ticket is None:
                    break
                self._long[ticket] = (ticket.client, time.monotonic() + self.limits.time_limit)
                ticket.ready.set()

    def _retry_after_locked(self) -> int:
        """Seconds until the first running long query ends at the latest."""
        deadlines = [deadline for _, deadline in self._long.values()]
        return max(1, math.ceil(min(deadlines) - time.monotonic())) if deadlines else 1

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all, self._idle = list(self._all), set(), []
        for worker in workers:
            worker.process.kill()
            worker.process.join()
            worker.conn.close()


class _ProcessorClock:
    """Processor time a worker has used since the clock was made (Linux: /proc; elsewhere the wall clock)."""

    _TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, pid: int):
        self._stat = f"/proc/{pid}/stat"
        self._wall = time.monotonic()
        self._start = self._read()

    def _read(self) -> float | None:
        try:
            with open(self._stat) as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self._TICK  # utime and stime

    def seconds(self) -> float:
        now = self._read() if self._start is not None else None
        return now - self._start if now is not None else time.monotonic() - self._wall


def _lower(worker: _Worker, nice: int) -> None:
    """Let the worker's query run on at a lower CPU priority."""
    try:
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, nice)
        worker.niced = True
    except OSError:
        pass


def _reap(worker: _Worker) -> None:
    worker.process.join()
    worker.conn.close()
