"""HTTP load for the web benchmarks: a ``yangguang serve`` subprocess, a closed-loop and an open-loop
asyncio driver (httpx), latency summaries, and ``wrk`` for maximum throughput.

Closed loop (:func:`closed_loop`): C clients, each sending its next request when the previous one
answered; measures throughput at that concurrency. Open loop (:func:`open_loop`): requests are
scheduled at a fixed rate whatever the server does, and each latency is counted from the moment the
request was *scheduled*, so a stall of the server (or of the load generator) shows in the figures
instead of silently lowering the rate (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

WORK = Path(__file__).parent / ".work"


# -- the server -------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _yangguang() -> list[str]:
    script = Path(sys.executable).with_name("yangguang")
    return [str(script)] if script.exists() else [sys.executable, "-m", "yangguang"]


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # also its process group: the server and its workers


@contextmanager
def serve(database_url: str, *, workers: int = 1, log: Path | None = None, ready_timeout: float = 120.0,
          env: dict[str, str] | None = None) -> Iterator[Server]:
    """Run ``yangguang serve`` on a free loopback port over ``database_url``. The server runs in a
    process group of its own, ended (TERM, then KILL) when the block exits."""
    port = free_port()
    log = log or WORK / f"serve-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [*_yangguang(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                   env={**os.environ, **(env or {}), "YANGGUANG_DATABASE_URL": database_url})
    base = f"http://127.0.0.1:{port}"
    previous = signal.signal(signal.SIGTERM, _exit_on_term)  # a terminated benchmark still stops its server
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"yangguang serve exited with {process.returncode}; see {log}")
            try:
                httpx.get(base + "/__bench_ready__", timeout=2.0)  # any answer (a 404) means it listens
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"yangguang serve did not answer within {ready_timeout} s; see {log}") from None
                time.sleep(0.2)
        time.sleep(1.0 if workers > 1 else 0.2)  # let every worker come up
        yield Server(base, process.pid)
    finally:
        _stop(process)
        signal.signal(signal.SIGTERM, previous)


def _exit_on_term(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)  # the group started above: the server and its workers
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            time.sleep(0.3)  # workers leave after their parent
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # a worker left behind by a parent that died first


# -- CPU ------------------------------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")


def _machine_busy() -> tuple[float, float]:
    """(busy, all) CPU seconds of the machine since boot, every core."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])  # up to steal; guest time is already in user
    return (total - idle) / _TICK, total / _TICK


def _group_cpu(group: int) -> float:
    """CPU seconds (user + system) of the live processes of process group ``group``."""
    seconds = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group:
            seconds += (int(fields[11]) + int(fields[12])) / _TICK
    return seconds


class CpuMeter:
    """Where the CPU went over a window: the whole machine, the server's process group, this process
    (the load generator); the rest is PostgreSQL and whatever else runs on the machine."""

    def __init__(self, group: int | None = None) -> None:
        self.group = group
        self.began: tuple[float, ...] | None = None
        self.used: tuple[float, ...] | None = None

    def _sample(self) -> tuple[float, ...]:
        busy, total = _machine_busy()
        times = os.times()
        return busy, total, _group_cpu(self.group) if self.group else 0.0, times.user + times.system, time.monotonic()

    def start(self) -> None:
        self.began = self._sample()

    def stop(self) -> None:
        end = self._sample()
        self.used = tuple(b - a for a, b in zip(self.began, end, strict=True))

    def report(self, requests: int) -> dict[str, float]:
        """Machine busy (% of all cores) and CPU milliseconds per request: server, generator, the rest."""
        busy, total, server, client, wall = self.used
        per = (lambda seconds: round(seconds / requests * 1000, 2)) if requests else (lambda seconds: None)
        return {"machine_busy_pct": round(100 * busy / total, 1) if total else None,
                "cores_busy": round(busy / wall, 2), "server_cpu_ms_per_request": per(server),
                "generator_cpu_ms_per_request": per(client), "rest_cpu_ms_per_request": per(busy - server - client)}


# -- figures ----------------------------------------------------------------------------------------
def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan  # summarize() reports None
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def summarize(latencies: list[float]) -> dict[str, float | int]:
    """Count, mean, p50/p95/p99/max of latencies in seconds, given in milliseconds."""
    ordered = sorted(latencies)

    def ms(value: float) -> float:
        return round(value * 1000, 2)

    if not ordered:
        return {"count": 0, "mean_ms": None, "p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {"count": len(ordered), "mean_ms": ms(sum(ordered) / len(ordered)),
            "p50_ms": ms(percentile(ordered, 0.50)), "p95_ms": ms(percentile(ordered, 0.95)),
            "p99_ms": ms(percentile(ordered, 0.99)), "max_ms": ms(ordered[-1])}


@dataclass
class Load:
    """What a run measured: latencies per request kind, errors, the measured window."""

    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    send_lag: list[float] = field(default_factory=list)  # open loop: how late the generator sent
    failed: list[float] = field(default_factory=list)  # open loop: scheduled moment to failure (or timeout)
    exhausted: int = 0  # closed loop: clients that ran out of work before the end

    def add(self, kind: str, latency: float) -> None:
        self.latencies.setdefault(kind, []).append(latency)

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{kind}: {what}"[:300])

    def everything(self) -> list[float]:
        return [v for values in self.latencies.values() for v in values]

    def report(self) -> dict[str, object]:
        total = self.everything()
        result: dict[str, object] = {
            "seconds": round(self.seconds, 2), "requests": len(total),
            "per_second": round(len(total) / self.seconds, 1) if self.seconds else None,
            "all": summarize(total), "kinds": {k: summarize(v) for k, v in sorted(self.latencies.items())},
            "errors": sum(self.errors.values()), "errors_by_kind": dict(self.errors),
            "error_samples": self.error_samples}
        if self.send_lag:
            result["generator_send_lag"] = summarize(self.send_lag)
            result["all_counting_errors"] = summarize(total + self.failed)  # a failure as slow as it took to fail
        if self.exhausted:
            result["clients_out_of_work"] = self.exhausted
        return result


# -- closed loop ------------------------------------------------------------------------------------
Step = Callable[[httpx.AsyncClient, int], Awaitable[tuple[str, httpx.Response] | None]]


async def closed_loop(base_url: str, clients: int, step: Step, *, warmup: float, duration: float,
                      headers: dict[str, str] | None = None, meter: CpuMeter | None = None,
                      keepalive: bool = True) -> Load:
    """``clients`` loops each calling ``step(client, index)`` (one request, returns (kind, response), or
    None when that client has no work left) back to back for ``warmup`` + ``duration`` seconds. Requests
    that complete inside the measured window (after the warm-up) are counted; a status >= 400 or a
    transport error is an error. Without ``keepalive`` every request opens a connection of its own (and
    the server's workers share them out as they accept: kept-alive connections stay with the worker that
    accepted them, which at the start of a run may be one worker for every client)."""
    load = Load(seconds=duration)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients if keepalive else 0)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60.0, headers=headers) as client:
        begin = time.perf_counter() + warmup
        end = begin + duration

        async def run(index: int) -> None:
            while time.perf_counter() < end:
                sent = time.perf_counter()
                try:
                    answer = await step(client, index)
                except httpx.HTTPError as exc:
                    if sent >= begin:
                        load.error("transport", repr(exc))
                    continue
                done = time.perf_counter()
                if answer is None:
                    load.exhausted += 1
                    return
                kind, response = answer
                if begin <= done <= end:
                    if response.status_code >= 400:
                        load.error(kind, f"{response.status_code} {response.text[:200]}")
                    else:
                        load.add(kind, done - sent)

        async def watch() -> None:
            await asyncio.sleep(max(0.0, begin - time.perf_counter()))
            meter.start()
            await asyncio.sleep(max(0.0, end - time.perf_counter()))
            meter.stop()

        await asyncio.gather(*(run(i) for i in range(clients)), *([watch()] if meter else []))
    return load


# -- open loop --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Request:
    kind: str
    method: str
    path: str
    data: dict[str, str] | None = None  # a form body


class _Stale(ConnectionError):
    """A kept-alive connection the server had closed meanwhile (uvicorn closes idle ones after 5 s)."""


class _Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough of the protocol for the benchmark (a
    hand-written client costs a fraction of httpx's CPU per request, which matters on two cores)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def exchange(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        line = await self.reader.readline()
        if not line:
            raise _Stale
        status = int(line.split(b" ", 2)[1])
        length, chunked, close = None, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value:
                chunked = True
            elif name == b"connection" and value == b"close":
                close = True
        if chunked:
            body = b""
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                body += await self.reader.readexactly(size)
                await self.reader.readexactly(2)
            await self.reader.readline()
        else:
            body = await self.reader.readexactly(length or 0)
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        self.writer.close()

    @property
    def closed(self) -> bool:
        return self.writer.is_closing()


async def open_loop(base_url: str, rate: float, make: Callable[[int], Request], *, warmup: float, duration: float,
                    connections: int = 256, cookies: dict[str, str] | None = None,
                    meter: CpuMeter | None = None, timeout: float = 10.0) -> Load:
    """Send ``make(i)`` at ``t0 + i / rate`` for ``warmup`` + ``duration`` seconds whatever the answers
    are, over up to ``connections`` keep-alive connections; each latency runs from the scheduled moment
    to the end of the response body (time spent waiting for a free connection included). Requests
    scheduled in the warm-up are sent but not counted; one not answered within ``timeout`` seconds is
    an error."""
    load = Load(seconds=duration)
    parsed = httpx.URL(base_url)
    host, port = parsed.host, parsed.port or 80
    common = f"Host: {host}:{port}\r\nUser-Agent: yangguang-bench\r\nAccept: */*\r\n"
    if cookies:
        common += "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()) + "\r\n"
    free = asyncio.Semaphore(connections)
    idle: list[_Connection] = []

    def encode(request: Request) -> bytes:
        head = f"{request.method} {quote(request.path, safe='/?=&%')} HTTP/1.1\r\n{common}"
        if request.data is None:
            return (head + "\r\n").encode()
        body = urlencode(request.data).encode()
        return (head + f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode() + body

    async def exchange(raw: bytes) -> int:
        async with free:
            while True:
                reused = bool(idle)
                connection = idle.pop() if idle else _Connection(*await asyncio.open_connection(host, port))
                try:
                    status, _ = await connection.exchange(raw)
                except (_Stale, ConnectionResetError, BrokenPipeError):
                    connection.close()
                    if reused:
                        continue  # the server had closed it while it was idle: send on a new one
                    raise
                except BaseException:
                    connection.close()  # in an unknown state (a timeout cancels it mid-answer)
                    raise
                if not connection.closed:
                    idle.append(connection)
                return status

    async def send(request: Request, scheduled: float, counted: bool) -> None:
        if counted:
            load.send_lag.append(time.perf_counter() - scheduled)
        try:
            status = await asyncio.wait_for(exchange(encode(request)), timeout)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError, TimeoutError) as exc:
            if counted:
                load.error(request.kind, repr(exc) if str(exc) else f"no answer within {timeout} s")
                load.failed.append(time.perf_counter() - scheduled)
            return
        latency = time.perf_counter() - scheduled
        if not counted:
            return
        if status >= 400:
            load.error(request.kind, f"HTTP {status}")
            load.failed.append(latency)
        else:
            load.add(request.kind, latency)

    start = time.perf_counter() + 0.05
    tasks = set()
    for i in range(int((warmup + duration) * rate)):
        scheduled = start + i / rate
        if meter and meter.began is None and scheduled - start >= warmup:
            meter.start()
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(send(make(i), scheduled, scheduled - start >= warmup))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    if meter:
        meter.stop()
    for connection in idle:
        connection.close()
    return load


# -- wrk --------------------------------------------------------------------------------------------
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * _UNITS[unit], 2)


def wrk(url: str, *, seconds: int = 10, connections: int = 16, threads: int = 2, script: Path | None = None
        ) -> dict[str, object]:
    """``wrk --latency`` against ``url`` (closed loop: ``connections`` requests in flight at all times):
    requests per second, p50/p90/p99 latency, non-2xx answers and socket errors."""
    command = ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    result: dict[str, object] = {"connections": connections, "threads": threads, "seconds": seconds,
                                 "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for percent, value in re.findall(r"^\s+(50|90|99)%\s+(\S+)$", out, re.M):
        result[f"p{percent}_ms"] = _ms(value)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    errors = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = errors.group(1).strip() if errors else ""
    return result


def lua_string(text: str) -> str:
    """A Lua string literal of ``text`` (bytes other than letters, digits and a few marks as decimal escapes)."""
    safe = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/.:=&?%+ ")
    return '"' + "".join(chr(b) if b in safe else f"\\{b:03d}" for b in text.encode()) + '"'
