"""CLI queries and the web page."""
import json
import re

import pytest

from findpark.app import create_app
from findpark.cli import main
from findpark.services.parks import filter_parks


def test_parks_cli_filters(runner, bundled_db):
    out = runner.invoke(main, ["parks", "--db", str(bundled_db), "--json"])
    assert out.exit_code == 0
    assert len(json.loads(out.stdout)) == 120
    out = runner.invoke(main, ["parks", "--db", str(bundled_db), "--industry", "生物医药", "--district", "杭州", "--json"])
    rows = json.loads(out.stdout)
    assert rows and all(r["city"] == "杭州市" for r in rows)
    assert {"G331018", "G332019"} <= {r["id"] for r in rows}
    out = runner.invoke(main, ["parks", "--db", str(bundled_db), "--district", "330114"])
    assert out.exit_code == 0 and "杭州经济技术开发区" in out.stdout
    assert "geometry" not in out.stdout


def test_search_by_code_and_fragment(bundled_store):
    parks = bundled_store.read("parks")
    by_code = {p["id"] for p in filter_parks(parks, industry="C36")}  # 汽车制造业 and below
    assert by_code and all(any(c.startswith("C36") or "C36".startswith(c) for c in p["industry_codes"])
                           for p in parks if p["id"] in by_code)
    assert filter_parks(parks, industry="宇宙飞船") == []
    assert {p["city"] for p in filter_parks(parks, district="330100")} == {"杭州市"}
    assert len(filter_parks(parks, level="national")) == 38


def test_home_page_lists_and_maps_parks_offline(client):
    r = client.get("/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert html.count("data-park=") == 120
    assert "杭州经济技术开发区" in html and "模拟数据" in html
    assert "/static/vendor/leaflet-1.9.4/leaflet.js" in html
    external = [u for u in re.findall(r"https?://[^\s\"'<>)]+", html)]
    assert external == [], external[:5]
    assert client.get("/static/vendor/leaflet-1.9.4/leaflet.js").status_code == 200


def test_home_page_filters(client):
    html = client.get("/?industry=生物医药&district=杭州").get_data(as_text=True)
    assert 0 < html.count("data-park=") < 120
    html = client.get("/?industry=宇宙飞船").get_data(as_text=True)
    assert html.count("data-park=") == 0 and "没有符合条件的园区" in html


def test_serve_builds_a_missing_store_the_factory_does_not(tmp_path):
    """The app factory never writes the database; ``ensure_store`` (what ``findpark serve`` runs first) does."""
    from findpark.bootstrap import ensure_store
    from findpark.store import StoreError

    db = tmp_path / "new.gpkg"
    with pytest.raises(StoreError):
        create_app({"DB": str(db)})
    assert not db.exists()
    ensure_store(str(db)).close()
    app = create_app({"DB": str(db)})
    assert app.extensions["findpark_store"].count("parks") == 120
    app.extensions["findpark_store"].close()


def test_park_page_shows_evaluation_plots_and_provenance(client):
    from findpark.evaluation.schema import DIMENSIONS

    r = client.get("/parks/G331018")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "杭州经济技术开发区" in html and "五力评价" in html and "亩均等级" in html
    for dim in DIMENSIONS:
        assert dim in html
    assert "<svg class=\"spark\"" in html and "2023Q4" in html and "2025Q3" in html
    assert html.count("G331018-0") >= 10  # the plots table
    assert "模拟数据" in html and "※" in html and "kaiwulaw" in html  # synthetic marks and provenance
    assert not re.findall(r"(?:src|href)=\"https?://", html)
    assert client.get("/parks/NOPE").status_code == 404


def test_home_page_shows_grades_and_links(client):
    html = client.get("/").get_data(as_text=True)
    assert html.count('href="/parks/') == 120
    assert len(re.findall(r'class="g[ABCD]"', html)) == 120
