"""A bounded load generator for the API on loopback (benchmarks/api_load.py and tests/test_api_live.py use it).

Only for servers of our own on 127.0.0.1: requests are bounded in count and time and it stops by itself.
"""
from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    statuses: dict = field(default_factory=dict)
    seconds: float = 0.0
    latencies_ms: list = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        lat = sorted(self.latencies_ms)
        return lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0.0


def run(base_url: str, method: str, path: str, body: dict | None = None, *, clients: int = 20,
        seconds: float = 3.0, max_requests: int = 20_000) -> LoadResult:
    """``clients`` threads, each with its own keep-alive connection, for ``seconds`` or ``max_requests``."""
    url = urlsplit(base_url)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("load tests only target servers on this machine's loopback")
    payload = json.dumps(body).encode("utf-8") if body is not None else None
    headers = {"Content-Type": "application/json"} if payload else {}
    result, lock = LoadResult(), threading.Lock()
    deadline = time.monotonic() + seconds
    start = time.monotonic()

    def worker():
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if result.requests >= max_requests:
                    return
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=payload, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                result.requests += 1
                result.statuses[status] = result.statuses.get(status, 0) + 1
                result.latencies_ms.append(ms)
                if not 200 <= status < 300:
                    result.errors += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.monotonic() - start
    return result
