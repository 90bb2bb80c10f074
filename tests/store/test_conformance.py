"""The store protocol (findpark.store.base.Store), run against every backend in conftest.BACKENDS.

Only the protocol is used here: no SQL, no files, no driver. GeoPackage-only checks live in test_gpkg.py.
"""
from __future__ import annotations

import threading
import time

import pytest
import shapely

from findpark.store import (
    DuplicateKeyError,
    IntegrityError,
    Range,
    Store,
    StoreError,
    open_store,
)
from findpark.store.schema import LAYERS, QUARTERLY_INDICATORS
from tests.store.records import amenity, park, plot


def _state(s) -> dict:
    """Everything a caller can see, for before/after comparisons."""
    return {"version": s.data_version, "layers": {n: [{**r, "geometry": r["geometry"].wkb} for r in s.read(n)]
                                                  for n in LAYERS},
            "quarterly": s.read_quarterly(), "inquiries": s.list_inquiries()}


def _quarter_row(park_id, quarter, base=1.0, synthetic=("rd_share",)):
    return {"park_id": park_id, "quarter": quarter, **{k: base + i / 10 for i, k in enumerate(QUARTERLY_INDICATORS)},
            "source": "test", "as_of": quarter, "synthetic": list(synthetic)}


def _inquiry(iid, created, park_id="P1", confidential=False, **kw):
    return {"id": iid, "created_at": created, "park_id": park_id, "plot_id": None, "company": "某公司",
            "contact_name": "张三", "contact_phone": "13800000000", "contact_email": "a@b.cn",
            "project_summary": "新材料项目", "industry": "C27", "confidential": confidential,
            "token_sha256": "0" * 64, "status": "new", **kw}


# -- identity and lifecycle ---------------------------------------------------------------------------------
def test_init_and_exists(store_url):
    s = open_store(store_url)
    try:
        assert not s.exists()
        s.init()
        assert isinstance(s, Store)  # (a runtime check of the method names: it reads properties, so after init)
        assert s.exists() and s.data_version == 0
        assert s.url == store_url or open_store(s.url).url == s.url  # a backend may normalise the URL
        uid = s.uid
        assert isinstance(uid, str) and len(uid) >= 16
        meta = s.meta()
        assert meta["data_version"] == "0" and meta["uid"] == uid and meta["created"]
        s.init()  # idempotent: same version, same uid
        assert s.exists() and s.data_version == 0 and s.uid == uid
        for name in LAYERS:
            assert s.count(name) == 0 and s.read(name) == [] and s.extent(name) is None and s.ids(name) == set()
        assert s.quarters() == [] and s.list_inquiries() == ([], 0) and s.load_log() == []
    finally:
        s.close()
    other = open_store(store_url)  # a second handle on the same store: same identity
    try:
        assert other.exists() and other.uid == uid and other.url == s.url
    finally:
        other.close()


def test_close_then_use_again(store):
    store.write({"parks": [park("P1")]})
    store.close()
    assert store.count("parks") == 1


def test_open_store_rejects_unknown_urls():
    with pytest.raises(StoreError, match="schema"):  # findpark's own URL parameters are checked on open
        open_store("postgresql://localhost/findpark?schema=Bad-Name")
    unreachable = open_store("postgresql:///findpark?host=/nonexistent-socket-dir")
    with pytest.raises(StoreError):  # a server that is not there: the store's own error, not psycopg's
        unreachable.exists()
    with pytest.raises(StoreError, match="unsupported"):
        open_store("mysql://x/y")


# -- feature layers ------------------------------------------------------------------------------------------
def test_round_trip(store):
    p = park("P1")
    store.write({"parks": [p], "plots": [plot("P1-1", "P1", 120.301, 30.301)], "amenities": [amenity("A1", 120.31, 30.31)]})
    back = store.get("parks", "P1")
    assert back["leading_industries"] == ["生物医药", "新材料"]
    assert back["boundary_approximate"] is True
    assert back["synthetic"] == ["core_area_ha"]
    assert back["geometry"].geom_type == "MultiPolygon"
    assert back["geometry"].equals(shapely.MultiPolygon([p["geometry"]]))
    assert set(back) == {*LAYERS["parks"].names, "geometry"}
    pl = store.get("plots", "P1-1")
    assert pl["max_eia"] == "report_form" and pl["geometry"].geom_type == "Polygon" and pl["synthetic"] == []
    a = store.get("amenities", "A1")
    assert a["lines"] == ["1号线", "5号线"] and a["geometry"].equals(shapely.Point(120.31, 30.31))
    assert store.get("plots", "nope") is None
    assert store.get("parks", "P1")["province"] is None  # missing optional fields come back as None


def test_upsert_by_id(store):
    store.write({"parks": [park("P1")], "plots": [plot("P1-1", "P1", 120.301, 30.301)]})
    # upsert by id replaces, keeps one row and updates the spatial index
    moved = plot("P1-1", "P1", 120.35, 30.35)
    store.write({"plots": [{**moved, "status": "reserved"}]})
    assert store.count("plots") == 1
    assert store.get("plots", "P1-1")["status"] == "reserved"
    assert store.count("plots", bbox=(120.34, 30.34, 120.36, 30.36)) == 1
    assert store.count("plots", bbox=(120.300, 30.300, 120.302, 30.302)) == 0
    assert store.data_version == 2


def test_replace_and_delete(store):
    counts = store.write({"parks": [park("P1"), park("P2", lon=120.5)],
                          "plots": [plot(f"P1-{i}", "P1", 120.30 + i * 0.002, 30.301) for i in range(4)]})
    assert counts == {"parks": 2, "plots": 4}
    store.write({"parks": [park("P3", lon=121.0)]}, replace=True)
    assert store.ids("parks") == {"P3"} and store.count("plots") == 4  # only the named layer is emptied
    assert store.delete("plots", ["P1-0", "P1-1", "nope"]) == 2
    assert store.ids("plots") == {"P1-2", "P1-3"}
    assert store.count("plots", bbox=(120.300, 30.300, 120.3035, 30.303)) == 0  # the index forgot them too
    assert store.delete("plots", []) == 0


def test_window_query_and_count(store):
    plots = [plot(f"Q-{i:02d}", "P1", 120.30 + (i % 10) * 0.01, 30.30 + (i // 10) * 0.01) for i in range(50)]
    # a diagonal sliver whose box touches the window but whose shape does not
    # (x + y stays below the window's corner, yet its box overlaps the window)
    sliver = {**plot("Z-1", "P1", 0, 0), "geometry": shapely.Polygon([(120.29, 30.30), (120.30, 30.29),
                                                                         (120.29, 30.29), (120.29, 30.30)])}
    store.write({"parks": [park("P1")], "plots": plots + [sliver]})
    bbox = (120.2999, 30.2999, 120.335, 30.325)
    box = shapely.box(*bbox)
    everything = store.read("plots")
    expected = [r["id"] for r in everything if r["geometry"].intersects(box)]
    got = store.read("plots", bbox=bbox)
    assert [r["id"] for r in got] == expected and len(expected) == 12
    assert "Z-1" not in expected and "Z-1" in {r["id"] for r in store.read("plots", bbox=bbox, exact=False)}
    assert store.count("plots", bbox=bbox) == len(expected) + 1  # count: by index boxes, as exact=False
    for limit, offset in ((None, 0), (5, 0), (5, 5), (5, 10), (100, 3), (3, 100)):
        page, total = store.read_window("plots", bbox, limit=limit, offset=offset)
        assert total == len(expected)
        want = expected[offset:] if limit is None else expected[offset:offset + limit]
        assert [r["id"] for r in page] == want
    page, total = store.read_window("plots", bbox, where={"id": ["Q-00", "Q-01", "Q-49"]})
    assert total == 2 and [r["id"] for r in page] == ["Q-00", "Q-01"]
    assert store.count("plots", bbox=(100, 20, 101, 21)) == 0
    assert store.read_window("plots", (100, 20, 101, 21)) == ([], 0)


def test_where_limit_offset(loaded_store):
    s = loaded_store
    avail = s.read("plots", where={"status": "available"})
    assert avail and all(r["status"] == "available" for r in avail)
    page = s.read("plots", where={"status": "available"}, limit=5, offset=5)
    assert [r["id"] for r in page] == [r["id"] for r in avail[5:10]]
    two = s.read("parks", where={"id": ["G331018", "G331019"]})
    assert [p["id"] for p in two] == ["G331018", "G331019"]
    assert s.read("parks", where={"id": []}) == []
    big = s.read("plots", where={"area_mu": Range(min=50)})
    assert big and all(r["area_mu"] >= 50 for r in big)
    mid = s.count("plots", where={"area_mu": Range(min=20, max=50)})
    assert mid == sum(1 for r in s.read("plots") if r["area_mu"] is not None and 20 <= r["area_mu"] <= 50)
    assert s.count("plots", where={"status": "available"}) == len(avail)
    with pytest.raises(KeyError):
        s.read("plots", where={"colour": "red"})


def test_bbox_matches_brute_force(loaded_store):
    bbox = (120.2, 30.1, 120.6, 30.5)
    got = {r["id"] for r in loaded_store.read("plots", bbox=bbox)}
    box = shapely.box(*bbox)
    expected = {r["id"] for r in loaded_store.read("plots") if r["geometry"].intersects(box)}
    assert got == expected and len(got) > 50


def test_columns_get_ids_extent(loaded_store):
    s = loaded_store
    cols = s.columns("plots", ["id", "park_id", "synthetic"])
    recs = s.read("plots")
    assert cols["id"] == [r["id"] for r in recs] == sorted(s.ids("plots"))
    assert cols["park_id"] == [r["park_id"] for r in recs] and cols["synthetic"] == [r["synthetic"] for r in recs]
    assert all(g.equals(r["geometry"]) for g, r in zip(cols["geometry"][:50], recs))
    assert set(s.columns("parks", ["name"], geometry=False)) == {"name"}
    with pytest.raises(KeyError):
        s.columns("plots", ["colour"])
    assert s.get("parks", "G331018")["id"] == "G331018"
    assert len(s.ids("parks")) == s.count("parks") == 120
    minx, miny, maxx, maxy = s.extent("plots")
    bounds = shapely.total_bounds([r["geometry"] for r in recs])
    assert (minx, miny, maxx, maxy) == pytest.approx(list(bounds), abs=1e-4)  # index boxes may round outward
    frame = s.read_frame("parks", where={"id": "G331018"})
    assert list(frame["id"]) == ["G331018"] and frame.crs.to_epsg() == 4326


def test_load_log(store):
    store.write({"parks": [park("P1")]}, log={"files": ["a.geojson"], "messages": ["note: x"]})
    store.write({"parks": [park("P2")]})  # no log
    log = store.load_log()
    assert len(log) == 1 and "a.geojson" in log[0]["files"] and "note: x" in log[0]["messages"]
    assert '"parks": 1' in log[0]["counts"] and log[0]["at"]


# -- data_version ----------------------------------------------------------------------------------------------
def test_data_version_bumps_by_one_per_write_not_on_reads(store):
    assert store.data_version == 0
    store.write({"parks": [park("P1")], "plots": [plot("P1-1", "P1", 120.301, 30.301)]})
    assert store.data_version == 1  # one write of two layers: one step
    for _ in range(3):  # reads change nothing
        store.read("plots"), store.count("parks"), store.get("parks", "P1"), store.ids("plots")
        store.columns("plots", ["id"]), store.extent("parks"), store.read_window("plots", (120, 30, 121, 31))
        store.read_quarterly(), store.quarters(), store.list_inquiries(), store.meta(), store.load_log()
    assert store.data_version == 1
    store.delete("plots", ["P1-1"])
    assert store.data_version == 2
    store.write_quarterly([_quarter_row("P1", "2025Q1")])
    assert store.data_version == 3
    store.add_inquiry(_inquiry("i1", "2026-01-01T00:00:00+00:00"))  # inquiries are not geodata
    assert store.data_version == 3
    other = open_store(store.url)  # another handle sees the same version
    try:
        assert other.data_version == 3
    finally:
        other.close()


def test_changes_since_names_what_each_write_touched(store):
    from findpark.store import changes

    assert store.changes_since(0) == {}
    store.write({"parks": [park("P1")], "plots": [plot(f"P1-{i}", "P1", 120.30 + i * 0.002, 30.301) for i in range(3)]})
    assert store.changes_since(0) == {"parks": {"P1"}, "plots": {"P1-0", "P1-1", "P1-2"}}
    assert store.changes_since(1) == {}
    store.write({"plots": [{**plot("P1-1", "P1", 120.35, 30.35), "status": "sold"}]})
    store.delete("plots", ["P1-2"])
    assert store.changes_since(1) == {"plots": {"P1-1", "P1-2"}}  # upserted or deleted: the caller reads them
    assert store.changes_since(2) == {"plots": {"P1-2"}}
    store.add_inquiry(_inquiry("i1", "2026-01-01T00:00:00+00:00"))  # not geodata: no version, nothing logged
    assert store.changes_since(3) == {}
    store.write_quarterly([_quarter_row("P1", "2025Q1")])
    assert store.changes_since(3) == {"park_quarterly": None}  # a whole table: None means "all of it"
    store.write({"plots": [plot("P1-9", "P1", 120.31, 30.31)]}, replace=True)
    assert store.changes_since(2) == {"plots": None, "park_quarterly": None}
    many = [plot(f"P1-{i:05d}", "P1", 120.30 + i * 1e-6, 30.301) for i in range(changes.MAX_IDS + 1)]
    store.write({"plots": many})  # a bulk write logs the layer, not every id
    assert store.changes_since(5) == {"plots": None}
    with store.snapshot():  # in one snapshot the log ends at the snapshot's version
        before = store.data_version
        other = open_store(store.url)
        try:
            other.delete("plots", ["P1-9"])
        finally:
            other.close()
        assert store.changes_since(before) == {}
    assert store.changes_since(before) == {"plots": {"P1-9"}}
    assert store.changes_since(-5) is None  # versions before the store's first: the log cannot tell


def test_change_log_is_pruned_and_a_gap_means_unknown(store, monkeypatch):
    from findpark.store import changes

    monkeypatch.setattr(changes, "KEEP", 3)
    store.write({"parks": [park("P1")]})
    for i in range(5):
        store.write({"plots": [plot(f"P1-{i}", "P1", 120.30 + i * 0.002, 30.301)]})
    assert store.data_version == 6
    assert store.changes_since(4) == {"plots": {"P1-3", "P1-4"}}
    assert store.changes_since(1) is None  # versions 2-3 were pruned: rebuild, never a wrong patch


# -- quarterly indicators -----------------------------------------------------------------------------------------
def test_quarterly_round_trip(store):
    rows = [_quarter_row("P1", "2025Q1"), _quarter_row("P2", "2025Q1", 2.0, ()), _quarter_row("P1", "2025Q2", 3.0)]
    assert store.write_quarterly(rows) == 3
    assert store.quarters() == ["2025Q1", "2025Q2"]
    back = store.read_quarterly(quarter="2025Q1")
    assert [(r["park_id"], r["quarter"]) for r in back] == [("P1", "2025Q1"), ("P2", "2025Q1")]
    assert back[0] == rows[0] and back[1]["synthetic"] == []
    assert [r["quarter"] for r in store.read_quarterly(park_id="P1")] == ["2025Q1", "2025Q2"]
    assert store.read_quarterly(quarter="2025Q2", park_id="P2") == []
    # upsert by (park_id, quarter)
    store.write_quarterly([{**_quarter_row("P1", "2025Q1"), "rd_share": 0.5, "vacancy_rate": None}])
    r = store.read_quarterly(quarter="2025Q1", park_id="P1")[0]
    assert r["rd_share"] == 0.5 and r["vacancy_rate"] is None and len(store.read_quarterly()) == 3
    store.write_quarterly([_quarter_row("P9", "2026Q1")], replace=True)
    assert store.quarters() == ["2026Q1"] and len(store.read_quarterly()) == 1


def test_quarterly_columns_agree_with_the_evaluation():
    from findpark.evaluation.schema import INDICATORS

    assert tuple(i.key for i in INDICATORS) == QUARTERLY_INDICATORS


# -- inquiries ----------------------------------------------------------------------------------------------------
def test_inquiries_round_trip(store):
    a = store.add_inquiry(_inquiry("a", "2026-01-01T00:00:00+00:00"))
    assert a["confidential"] is False and a["company"] == "某公司" and a["plot_id"] is None
    store.add_inquiry(_inquiry("b", "2026-01-02T00:00:00+00:00", confidential=True))
    store.add_inquiry(_inquiry("c", "2026-01-02T00:00:00+00:00", park_id="P2"))  # same time as b: later insert first
    assert store.get_inquiry("b")["confidential"] is True and store.get_inquiry("zz") is None
    rows, total = store.list_inquiries()
    assert [r["id"] for r in rows] == ["c", "b", "a"] and total == 3
    rows, total = store.list_inquiries(confidential=False)
    assert [r["id"] for r in rows] == ["c", "a"] and total == 2
    rows, total = store.list_inquiries(park_id="P1", limit=1)
    assert [r["id"] for r in rows] == ["b"] and total == 2
    rows, total = store.list_inquiries(limit=2, offset=1)
    assert [r["id"] for r in rows] == ["b", "a"] and total == 3
    assert store.get_inquiry("a") == a


# -- errors and atomicity -----------------------------------------------------------------------------------------
def test_duplicate_inquiry_is_the_stores_own_error(store):
    store.add_inquiry(_inquiry("dup", "2026-01-01T00:00:00+00:00"))
    with pytest.raises(DuplicateKeyError) as exc:
        store.add_inquiry(_inquiry("dup", "2026-01-02T00:00:00+00:00", company="其他"))
    assert isinstance(exc.value, IntegrityError) and isinstance(exc.value, StoreError)
    assert type(exc.value).__module__.startswith("findpark.store")
    assert store.get_inquiry("dup")["company"] == "某公司" and store.list_inquiries()[1] == 1


def test_write_is_all_or_nothing(store):
    store.write({"parks": [park("P1")], "plots": [plot("P1-1", "P1", 120.301, 30.301)]})
    store.write_quarterly([_quarter_row("P1", "2025Q1")])
    before = _state(store)
    bad_plots = [plot("X-1", "P1", 120.301, 30.301), {**plot("X-2", "P1", 120.31, 30.31), "id": None}]
    with pytest.raises(IntegrityError) as exc:
        store.write({"parks": [park("P2", lon=120.5)], "plots": bad_plots}, replace=True)
    assert type(exc.value).__module__.startswith("findpark.store")
    assert _state(store) == before
    assert store.ids("parks") == {"P1"}
    with pytest.raises(StoreError):  # a value the store cannot hold, in the second row
        store.write_quarterly([_quarter_row("P1", "2025Q2"), {**_quarter_row("P1", "2025Q3"), "rd_share": object()}],
                              replace=True)
    assert _state(store) == before


# -- snapshots ----------------------------------------------------------------------------------------------------
def _reimport(s, i):
    """Generation i: 1 + i % 4 parks with 3 plots each, written as one replace (like a re-import)."""
    n = 1 + i % 4
    parks = [park(f"G{i}-{k}", lon=120.0 + k * 0.05) for k in range(n)]
    plots = [plot(f"G{i}-{k}-{j}", f"G{i}-{k}", 120.0 + k * 0.05 + j * 0.002, 30.301) for k in range(n) for j in range(3)]
    s.write({"parks": parks, "plots": plots}, replace=True)


def test_snapshot_is_one_version_under_a_concurrent_writer(store):
    _reimport(store, 0)
    writer_store = open_store(store.url)  # the writer: another handle, as another process or worker would be
    stop = threading.Event()
    errors: list = []
    writes = [0]

    def writer():
        i = 1
        try:
            while not stop.is_set():
                _reimport(writer_store, i)
                i += 1
                writes[0] += 1
        except Exception as exc:  # noqa: BLE001 - fails the test below
            errors.append(exc)

    t = threading.Thread(target=writer)
    t.start()
    seen_versions = set()
    try:
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline or len(seen_versions) < 3:
            with store.snapshot():
                version = store.data_version
                parks_n = store.count("parks")
                for _ in range(4):
                    time.sleep(0.002)  # let the writer commit meanwhile
                    with store.snapshot():  # reentrant: an inner snapshot is the same one
                        assert store.data_version == version
                    assert store.count("parks") == parks_n
                    assert store.count("plots") == 3 * parks_n
                    plots = store.columns("plots", ["park_id"], geometry=False)["park_id"]
                    assert set(plots) == store.ids("parks") and len(plots) == 3 * parks_n
                    assert {p["id"] for p in store.read("parks")} == set(plots)
                    assert store.data_version == version
                seen_versions.add(version)
            assert time.monotonic() < deadline + 20, "the writer made no progress"
    finally:
        stop.set()
        t.join()
        writer_store.close()
    assert errors == []
    assert writes[0] >= 2 and len(seen_versions) >= 3  # the reader really did see the writer move on
    assert store.data_version == 1 + writes[0]  # outside a snapshot: the newest version


def test_snapshot_reads_own_writes(store):
    store.write({"parks": [park("P1")]})
    with store.snapshot():
        v = store.data_version
        store.write({"parks": [park("P2", lon=120.5)]})
        assert store.data_version == v + 1 and store.ids("parks") == {"P1", "P2"}
        rec = store.add_inquiry(_inquiry("q", "2026-01-01T00:00:00+00:00"))
        assert rec["id"] == "q" and store.get_inquiry("q") == rec
    assert store.ids("parks") == {"P1", "P2"}


def test_snapshot_ends_on_error(store):
    store.write({"parks": [park("P1")]})
    other = open_store(store.url)
    try:
        with pytest.raises(RuntimeError), store.snapshot():
            assert store.count("parks") == 1
            raise RuntimeError("boom")
        other.write({"parks": [park("P2", lon=120.5)]})
        assert store.count("parks") == 2  # no read transaction left open
    finally:
        other.close()


# -- maintenance --------------------------------------------------------------------------------------------------
def test_online_backup(store, backend, tmp_path):
    store.write({"parks": [park("P1")], "plots": [plot(f"P1-{i}", "P1", 120.30 + i * 0.002, 30.301) for i in range(5)]})
    store.write_quarterly([_quarter_row("P1", "2025Q1")])
    store.add_inquiry(_inquiry("a", "2026-01-01T00:00:00+00:00"))
    dest, url = backend.copy(tmp_path)
    with store.snapshot():  # a backup works inside a request's snapshot too
        store.backup(dest)
    copy = open_store(url)
    try:
        assert copy.exists() and _state(copy) == _state(store)
    finally:
        copy.close()


# -- attribute tables, generically (users, tokens, audit log, inquiry events) -------------------------------------
def test_rows_round_trip_with_types(store):
    row = store.insert_row("users", {"username": "wang", "role": "staff", "scopes": ["3301", "G331018"],
                                     "password_hash": "x", "disabled": False, "created_at": "2026-01-01T00:00:00Z"})
    assert row["scopes"] == ["3301", "G331018"] and row["disabled"] is False
    with pytest.raises(DuplicateKeyError):
        store.insert_row("users", {"username": "wang", "role": "admin"})
    store.insert_row("users", {"username": "li", "role": "admin", "scopes": [], "disabled": True})
    assert [r["username"] for r in store.select_rows("users", order_by=["-username"])] == ["wang", "li"]
    assert store.count_rows("users", where={"role": "staff"}) == 1
    assert store.count_rows("users", where={"username": []}) == 0
    assert store.select_rows("users", where={"disabled": True})[0]["username"] == "li"
    assert store.update_rows("users", {"username": "wang"}, {"disabled": True, "scopes": ["3302"]}) == 1
    assert store.select_rows("users", where={"username": "wang"})[0]["scopes"] == ["3302"]
    with pytest.raises(KeyError):
        store.select_rows("users", where={"no_such_column": 1})
    with pytest.raises(KeyError):
        store.insert_row("no_such_table", {})
    with pytest.raises(ValueError):
        store.delete_rows("users", {})
    assert store.delete_rows("users", {"username": ["wang", "li"]}) == 2 and store.count_rows("users") == 0


def test_rows_ranges_paging_and_no_version_bump(store):
    version = store.data_version
    for i in range(5):
        store.insert_row("audit_log", {"id": f"a{i}", "at": f"2026-01-0{i + 1}", "actor": "admin", "action": "view"})
    assert [r["id"] for r in store.select_rows("audit_log", where={"at": Range("2026-01-02", "2026-01-04")})] == \
        ["a1", "a2", "a3"]
    assert [r["id"] for r in store.select_rows("audit_log", order_by=["-at"], limit=2, offset=1)] == ["a3", "a2"]
    assert store.data_version == version  # accounts and audit entries are not geodata


def test_atomic_commits_together_or_not_at_all(store):
    with pytest.raises(RuntimeError):
        with store.atomic():
            store.insert_row("audit_log", {"id": "x1", "at": "t", "actor": "a", "action": "b"})
            store.insert_row("audit_log", {"id": "x2", "at": "t", "actor": "a", "action": "b"})
            raise RuntimeError("something failed after the writes")
    assert store.count_rows("audit_log") == 0
    with store.atomic():
        store.insert_row("audit_log", {"id": "x1", "at": "t", "actor": "a", "action": "b"})
        store.update_rows("audit_log", {"id": "x1"}, {"action": "c"})
    assert store.select_rows("audit_log")[0]["action"] == "c"


# -- vector tiles -----------------------------------------------------------------------------------------------
def test_tile_holds_the_window(loaded_store):
    import mapbox_vector_tile

    from findpark.store.tiles import tile_bounds_lonlat

    z, x, y = 12, 3400, 1703  # the densest z12 tile of the bundled plots (97 plots)
    body = loaded_store.tile("plots", z, x, y, ["id", "status", "area_mu"])
    layer = mapbox_vector_tile.decode(body)["plots"]
    assert layer["extent"] == 4096
    got = {f["properties"]["id"] for f in layer["features"]}
    want = {r["id"] for r in loaded_store.read("plots", bbox=tile_bounds_lonlat(z, x, y))}
    assert want and want <= got  # every plot in the tile (and maybe some in the buffer around it)
    assert got <= {r["id"] for r in loaded_store.read("plots", bbox=tile_bounds_lonlat(z, x, y, 64 / 4096), exact=False)}
    props = next(f["properties"] for f in layer["features"])
    assert set(props) == {"id", "status", "area_mu"}
    assert loaded_store.tile("plots", 12, 0, 0, ["id"]) == b""  # the middle of the Pacific
    with pytest.raises(KeyError):
        loaded_store.tile("plots", z, x, y, ["colour"])
