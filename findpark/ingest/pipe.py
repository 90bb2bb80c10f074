"""Where a load's records come from: this process, or, for a big load, a second process.

Reading and validating (ijson, shapely, pyproj, the contract) and writing (encoding, SQLite or PostgreSQL)
each take about half of a big load, and each is bound to one core by the GIL. ``Piped`` runs the reading half
in a second Python process that sends the records in batches through a pipe, so the two halves overlap
(10^6 plots: 149 → 77 s before the kept feature texts; README, *PostGIS and several app servers*). A thread
of the writer takes up to ``AHEAD`` batches off the pipe; beyond that the reader waits, so memory stays
bounded. The reader also makes the features' texts (``store/featuretext.py``) of every ``TEXTS_EVERY``-th
batch. Both sources give the same records, problems and notes in the same order.
"""
from __future__ import annotations

import gc
import json
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from multiprocessing.connection import Connection

import numpy as np
import shapely

from ..store import featuretext
from ..store.errors import LoadError
from ..store.schema import LAYERS
from .records import plan_files, read_records

PIPE_MIN_BYTES = 48 << 20  # inputs at least this big (all files together) are read in a second process
BATCH = 2_000  # records per message
TEXTS_EVERY = 2  # the reader encodes the features' texts (store/featuretext.py) of every second batch: the
# writer, which waits on the reader otherwise, encodes the rest (10^6 plots: 112 s with all in the reader)
AHEAD = 32  # messages received and not yet used: the reader runs on while this process writes a chunk


class Local:
    """The records read here, as they are used."""

    def __init__(self, paths, crs, layer, problems: list, notes: list):
        self.problems, self.notes = problems, notes
        self.plan = plan_files(paths, crs, layer, problems, notes)
        self.layers = {name for name, _, _ in self.plan}

    def records(self):
        return read_records(self.plan, self.problems, self.notes)

    def close(self) -> None:
        pass


class _Batcher:
    """The reading side: records in batches, each problem and note tagged with the place it was met (how many
    records of the batch came before it), so the writer meets them in the order ``Local`` gives them."""

    def __init__(self, conn, problems: list, notes: list, batch: int = BATCH, texts_every: int = TEXTS_EVERY):
        self.conn, self.problems, self.notes = conn, problems, notes
        self.size, self.texts_every = batch, texts_every
        self.seen = [len(problems), len(notes)]
        self.batch: list = []
        self.met: tuple[list, list] = ([], [])
        self.sent = 0

    def _tag(self) -> None:
        for k, lst in enumerate((self.problems, self.notes)):
            if len(lst) > self.seen[k]:
                self.met[k].extend((len(self.batch), m) for m in lst[self.seen[k]:])
                self.seen[k] = len(lst)

    def add(self, item) -> None:
        self._tag()
        self.batch.append(item)
        if len(self.batch) >= self.size:
            self.send()

    def send(self) -> None:
        self._tag()
        self.sent += 1
        if self.sent % self.texts_every == 0:  # these records' GeoJSON texts made here; the writer makes the others
            for name in {n for n, _ in self.batch}:
                featuretext.attach(LAYERS[name], [r for n, r in self.batch if n == name])
        geoms = np.empty(len(self.batch), dtype=object)
        geoms[:] = [rec.pop("geometry") for _, rec in self.batch]
        wkb = shapely.to_wkb(geoms).tolist()  # exact: the float64 coordinates as they are
        self.conn.send(("batch", [n for n, _ in self.batch], [r for _, r in self.batch], wkb, *self.met))
        self.batch, self.met = [], ([], [])


def _reader(conn, paths, crs, layer, batch: int = BATCH, texts_every: int = TEXTS_EVERY) -> None:
    """The second process: plan, then records in batches, then ``end``; an unexpected failure as ``error``."""
    try:
        problems: list = []
        notes: list = []
        plan = plan_files(paths, crs, layer, problems, notes)
        conn.send(("plan", sorted({name for name, _, _ in plan}), problems[:], notes[:]))
        out = _Batcher(conn, problems, notes, batch, texts_every)
        for item in read_records(plan, problems, notes):
            out.add(item)
        out.send()
        conn.send(("end",))
    except BaseException:  # noqa: BLE001  (told to the writer, which raises it)
        try:
            conn.send(("error", traceback.format_exc(limit=8)))
        except (OSError, ValueError):
            pass
    finally:
        conn.close()


class ReaderFailed(LoadError):
    """The reading process failed in a way no feature explains (a bug, or it was killed): nothing is loaded."""

    def __init__(self, message: str):
        super().__init__([message])


def main(argv=None) -> None:
    """The second process's entry: ``python -c 'from findpark.ingest.pipe import main; main()' FD JSON``."""
    fd, args = (argv or sys.argv[1:])[:2]
    args = json.loads(args)
    gc.freeze()  # the modules just imported: the collector need not walk them again while a million records pass
    _reader(Connection(int(fd), readable=False), args["paths"], args["crs"], args["layer"], args["batch"],
            args["texts_every"])


class Piped:
    """The records read and validated by a second Python process while this one writes. A plain subprocess,
    not ``multiprocessing``: its spawn would re-run the caller's main script, and a fork would copy the
    caller's threads' locks (a connection pool's)."""

    def __init__(self, paths, crs, layer, problems: list, notes: list):
        self.problems, self.notes = problems, notes
        fd_in, fd_out = os.pipe()
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
        args = json.dumps({"paths": [str(p) for p in paths], "crs": crs, "layer": layer, "batch": BATCH,
                           "texts_every": TEXTS_EVERY})  # this module's settings, as the caller left them
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", "from findpark.ingest.pipe import main; main()", str(fd_out), args],
                pass_fds=(fd_out,), env=env, stdin=subprocess.DEVNULL)
        finally:
            os.close(fd_out)
        self._conn = Connection(fd_in, writable=False)
        self._queue: queue.Queue = queue.Queue(AHEAD)
        self._stop = threading.Event()
        self._pump = threading.Thread(target=self._receive, name="findpark-load-pipe", daemon=True)
        self._pump.start()
        try:
            _, layers, plan_problems, plan_notes = self._expect("plan")
        except BaseException:
            self.close()
            raise
        problems += plan_problems
        notes += plan_notes
        self.layers = set(layers)

    def _receive(self) -> None:
        """The pipe's reading end, on a thread: takes messages as they come (the GIL is free while it waits), so
        the reader is not held up while this process is busy writing; None at the end of the pipe."""
        while True:
            try:
                data = self._conn.recv_bytes()
            except (EOFError, OSError):
                data = None
            while True:
                try:
                    self._queue.put(data, timeout=0.2)
                    break
                except queue.Full:
                    if self._stop.is_set():
                        return
            if data is None:
                return

    def _expect(self, *kinds):
        data = self._queue.get()
        if data is not None:
            msg = pickle.loads(data)
        else:
            try:
                code = self._proc.wait(5)
            except subprocess.TimeoutExpired:
                code = None
            raise ReaderFailed(f"the reading process ended early (exit code {code})")
        if msg[0] == "error":
            raise ReaderFailed(f"the reading process failed:\n{msg[1]}")
        if msg[0] not in kinds:
            raise ReaderFailed(f"the reading process sent {msg[0]!r}, expected {' or '.join(kinds)}")
        return msg

    def records(self):
        while True:
            msg = self._expect("batch", "end")
            if msg[0] == "end":
                return
            _, names, recs, wkb, problems, notes = msg
            geoms = shapely.from_wkb(np.array(wkb, dtype=object)).tolist()
            met = sorted([(at, 0, i, m) for i, (at, m) in enumerate(problems)] +
                         [(at, 1, i, m) for i, (at, m) in enumerate(notes)])
            j = 0
            for i, (name, rec, geom) in enumerate(zip(names, recs, geoms)):
                j = self._meet(met, j, i)
                rec["geometry"] = geom
                yield name, rec
            self._meet(met, j, len(recs))

    def _meet(self, met: list, j: int, upto: int) -> int:
        """Add the problems and notes met before record ``upto`` of the batch; return where the next start."""
        while j < len(met) and met[j][0] <= upto:
            (self.problems if met[j][1] == 0 else self.notes).append(met[j][3])
            j += 1
        return j

    def close(self) -> None:
        self._stop.set()
        if self._proc.poll() is None:
            self._proc.terminate()
        self._proc.wait()
        self._pump.join()
        self._conn.close()


def source(paths, crs, layer, problems: list, notes: list):
    """``Piped`` when the inputs are big enough to repay a second process (and this machine has two cores),
    else ``Local``. Call ``close()`` when done."""
    try:
        size = sum(os.path.getsize(p) for p in paths)
    except OSError:
        size = 0  # a missing file: the reader says so, here
    piped = size >= PIPE_MIN_BYTES and (os.cpu_count() or 1) > 1
    return (Piped if piped else Local)(paths, crs, layer, problems, notes)
