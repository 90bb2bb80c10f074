"""Issue 14: provenance for people (one short line, the technical source behind a toggle), data slips flagged
on the park page, and park names found by short form, pinyin and pinyin initials (services/search_index.py)."""
from __future__ import annotations

from findpark import vocab
from findpark.services import provenance, search_index


def test_park_page_has_a_short_provenance_line_and_the_full_source_behind_a_toggle(client, bundled_store):
    html = client.get("/parks/G331018").get_data(as_text=True)
    assert "来源: 中国开发区审核公告目录 (2018); 位置为近似" in html
    full = bundled_store.get("parks", "G331018")["source"]
    assert html.index("<details") < html.index(full.split(";")[0][:30]) or full.split(";")[0][:30] in html
    assert '<details class="provenance-full"><summary>数据来源</summary>' in html


def test_location_slips_are_flagged_on_the_park_page(client, bundled_store):
    flags = provenance.location_flags(bundled_store)
    assert flags and set(f["code"] for f in flags.values()) <= set(vocab.LOCATION_FLAGS)
    pid, flag = next(iter(flags.items()))
    html = client.get(f"/parks/{pid}").get_data(as_text=True)
    assert 'id="location-flag"' in html and vocab.label("location_flag", flag["code"]) in html
    assert 'id="location-flag"' not in client.get("/parks/G331018").get_data(as_text=True)


def test_outside_county_is_found_geometrically():
    import shapely

    park = {"id": "X", "adcode": "330109", "source": "", "geometry": shapely.box(121.5, 29.8, 121.52, 29.82)}
    flag = provenance._flag(park)  # a box in 宁波 for a 萧山区 park
    assert flag["code"] == "outside_county" and "萧山区" in flag["county"] and flag["distance_km"] > 10


def test_pinyin_initials_and_short_forms():
    park = {"id": "G331018", "name": "杭州经济技术开发区"}
    for q in ("hzjk", "杭州经开", "hangzhoujingkai", "HZJK", "杭州经济", "g331018"):
        assert search_index.matches(park, q), q
    assert not search_index.matches(park, "nbjk")
    assert sorted(["嘉兴市", "杭州市", "湖州市"], key=search_index.sort_key) == ["杭州市", "湖州市", "嘉兴市"]


def test_home_and_api_find_by_initials(client):
    html = client.get("/?q=hzjk").get_data(as_text=True)
    assert 'data-park="G331018"' in html and 'data-park="G332019"' not in html
    parks = client.get("/api/v1/parks?q=hzjk").get_json()["parks"]
    assert parks[0]["id"] == "G331018"
