"""Accounts, roles and the inquiry desk: personal data only for in-scope staff, every view and change audited,
login throttled, API bearer tokens, the CLI, retention, rate limits, CSRF on state-changing requests."""
from __future__ import annotations

import datetime as _dt
import json
import re

import pytest
from click.testing import CliRunner

from findpark.app import create_app
from findpark.cli import main
from findpark.services import accounts, audit, desk
from tests.conftest import copy_store

PASSWORD = "correct horse battery"
INQ = {"park_id": "G331018", "company": "杭州某汽配公司", "contact_name": "王经理", "contact_phone": "0571-8888 6666",
       "project_summary": "新能源汽车零部件, 80-120 亩"}
JINHUA = {**INQ, "park_id": "S337071", "company": "金华某公司", "contact_phone": "0579-1234 5678"}


@pytest.fixture()
def db(bundled_db, tmp_path):
    return copy_store(bundled_db, tmp_path / "acc.gpkg")


def cli(db, *args, input=None):
    return CliRunner().invoke(main, [*args, "--db", str(db)], input=input)


@pytest.fixture()
def app(db):
    for name, role, scopes in (("hz", "staff", ["3301"]), ("jh", "staff", ["3307"]), ("boss", "admin", []),
                               ("park1", "staff", ["G331019"])):
        r = cli(db, "users", "add", name, "--role", role, *[a for s in scopes for a in ("--scope", s)],
                "--password-stdin", input=PASSWORD + "\n")
        assert r.exit_code == 0, r.output
    a = create_app({"DB": str(db), "TESTING": True, "TILES": None})
    yield a
    a.extensions["findpark_store"].close()


@pytest.fixture()
def store(app):
    return app.extensions["findpark_store"]


def login(client, name, password=PASSWORD, next_=None, **kw):
    data = {"username": name, "password": password}
    if next_ is not None:
        data["next"] = next_
    return client.post("/login", data=data, **kw)


def make_inquiries(client):
    hz = client.post("/api/v1/inquiries", json=INQ).get_json()
    jh = client.post("/api/v1/inquiries", json={**JINHUA, "confidential": True}).get_json()
    return hz, jh


def test_users_cli_hashes_passwords_and_tokens(db, app, store):
    row = store.select_rows("users", where={"username": "hz"})[0]
    assert row["password_hash"].startswith("$argon2id$") and PASSWORD not in row["password_hash"]
    listed = json.loads(cli(db, "users", "list", "--json").output)
    assert {u["username"] for u in listed} == {"hz", "jh", "boss", "park1"}
    assert all("password_hash" not in u for u in listed)
    out = cli(db, "users", "token", "hz")
    token = out.stdout.strip().splitlines()[-1]
    assert out.exit_code == 0 and token.startswith("fp_")
    assert token not in json.dumps(store.select_rows("api_tokens"))  # only its SHA-256 is kept
    assert accounts.user_for_token(store, token).username == "hz"
    # refused, with the field named and exit 2
    bad = cli(db, "users", "add", "x1", "--role", "staff", "--password-stdin", input="short\n")
    assert bad.exit_code == 2 and "scope" in bad.output
    bad = cli(db, "users", "add", "x2", "--role", "staff", "--scope", "3301", "--password-stdin", input="short\n")
    assert bad.exit_code == 2 and "password" in bad.output
    assert cli(db, "users", "add", "hz", "--role", "admin").exit_code == 2  # exists already
    assert cli(db, "users", "disable", "hz").exit_code == 0
    assert accounts.user_for_token(store, token) is None  # a disabled user's tokens stop working
    assert [e["action"] for e in audit.entries(store)[0]][:2] == ["user_disable", "token_new"]


def test_anonymous_sees_no_inquiry_content(app):
    c = app.test_client()
    hz, jh = make_inquiries(c)
    r = c.get("/inquiries")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/inquiries"
    assert c.get(f"/inquiries/{hz['id']}").status_code == 302
    assert c.get("/admin/audit").status_code == 302
    listing = c.get("/api/v1/inquiries").get_json()
    assert listing["inquiries"] == [] and listing["counts"]["total"] == 2
    text = json.dumps(listing, ensure_ascii=False)
    assert "王经理" not in text and "0571" not in text and "金华某公司" not in text
    assert c.get("/api/v1/inquiries", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert c.get(f"/api/v1/inquiries/{hz['id']}").status_code == 401


def test_login_form_session_and_safe_next(app):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    assert 'name="username"' in page and 'name="password"' in page and 'name="csrf_token"' in page
    r = login(c, "hz", next_="/inquiries?status=new")
    assert r.status_code == 302 and r.headers["Location"] == "/inquiries?status=new"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = c.get("/").get_data(as_text=True)
    assert "已登录: hz" in home and 'href="/inquiries">咨询台</a>' in home
    for evil in ("https://evil.example/x", "//evil.example", "/\\evil.example", "javascript:alert(1)"):
        r = login(app.test_client(), "hz", next_=evil)
        assert r.headers["Location"] == "/inquiries", evil
    # sign-out is a POST with the CSRF token
    assert app.test_client(csrf=False).post("/logout").status_code == 400
    assert c.post("/logout").status_code == 302
    assert "已登录" not in c.get("/").get_data(as_text=True)
    assert c.get("/inquiries").status_code == 302


def test_login_needs_csrf_and_the_sixth_bad_password_is_429(app, store):
    raw = app.test_client(csrf=False)
    assert raw.post("/login", data={"username": "hz", "password": PASSWORD}).status_code == 400
    c = app.test_client()
    for _ in range(5):
        r = login(c, "hz", "wrong password!")
        assert r.status_code == 401 and "用户名或密码不正确" in r.get_data(as_text=True)
    r = login(c, "hz", "wrong password!")
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 15 * 60
    assert login(c, "hz").status_code == 429  # even the right password, until the window passes
    assert login(c, "boss").status_code == 429  # the same address, another user: the address is throttled too
    failures = audit.entries(store, action="login_failed")[0]
    assert len(failures) == 5 and all(f["address"] == "127.0.0.1" and f["target"] == "user:hz" for f in failures)
    # a failure older than the window no longer counts
    old = (_dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(minutes=16)).isoformat(timespec="seconds")
    store.update_rows("audit_log", {"action": "login_failed"}, {"at": old})
    assert login(c, "hz").status_code == 302


def test_staff_see_only_their_scope_on_web_and_api(app, db, store):
    anon = app.test_client()
    hz, jh = make_inquiries(anon)
    c = app.test_client()
    login(c, "hz")
    page = c.get("/inquiries").get_data(as_text=True)
    assert hz["id"] in page and "王经理" in page and "0571-8888 6666" in page
    assert jh["id"] not in page and "金华某公司" not in page
    assert c.get(f"/inquiries/{jh['id']}").status_code == 404  # another district's inquiry: not found
    detail = c.get(f"/inquiries/{hz['id']}").get_data(as_text=True)
    assert "王经理" in detail and "0571-8888 6666" in detail
    # the Jinhua staff see the confidential Jinhua inquiry, with its badge, and not Hangzhou's
    j = app.test_client()
    login(j, "jh")
    page = j.get("/inquiries").get_data(as_text=True)
    assert "金华某公司" in page and "保密" in page and "杭州某汽配公司" not in page
    # a park-scoped user sees only that park
    p = app.test_client()
    login(p, "park1")
    assert hz["id"] not in p.get("/inquiries").get_data(as_text=True)
    # the API, with bearer tokens
    token = cli(db, "users", "token", "hz").stdout.strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}
    listing = anon.get("/api/v1/inquiries", headers=auth).get_json()
    assert [i["id"] for i in listing["inquiries"]] == [hz["id"]] and listing["inquiries"][0]["contact_phone"]
    assert anon.get(f"/api/v1/inquiries/{jh['id']}", headers=auth).status_code == 404
    assert anon.patch(f"/api/v1/inquiries/{jh['id']}", headers=auth, json={"note": "x"}).status_code == 404
    got = anon.get(f"/api/v1/inquiries/{hz['id']}", headers=auth)
    assert got.status_code == 200 and got.headers["Cache-Control"] == "no-store"
    # every view of contacts is in the audit log: who, what, from where
    views = audit.entries(store, action="inquiry_view")[0]
    assert {(v["actor"], v["target"]) for v in views} >= {("hz", f"inquiry:{hz['id']}")}
    assert all(v["address"] == "127.0.0.1" for v in views)
    lists = audit.entries(store, action="inquiry_list", actor="hz")[0]
    assert lists and hz["id"] in lists[0]["detail"]["ids"]
    # a staff token cannot read the audit log; an admin's can
    assert anon.get("/api/v1/audit", headers=auth).status_code == 403
    admin = cli(db, "users", "token", "boss").stdout.strip().splitlines()[-1]
    entries = anon.get("/api/v1/audit?action=inquiry_view", headers={"Authorization": f"Bearer {admin}"}).get_json()
    assert entries["total"] >= 2
    # revoked: 401
    tid = accounts.list_tokens(store, "hz")[0]["id"]
    assert cli(db, "users", "revoke-token", tid).exit_code == 0
    assert anon.get("/api/v1/inquiries", headers=auth).status_code == 401


def test_desk_workflow_web_and_api_with_history(app, db, store):
    anon = app.test_client()
    made = anon.post("/api/v1/inquiries", json=INQ).get_json()
    iid, inquirer = made["id"], {"X-Inquiry-Token": made["token"]}
    c = app.test_client()
    login(c, "hz")
    # assign to someone who may not see the park: refused; to hz: 新建 → 已分派
    c.post(f"/inquiries/{iid}/assign", data={"assignee": "jh"})
    assert store.get_inquiry(iid)["status"] == "new" and store.get_inquiry(iid)["assignee"] is None
    page = c.post(f"/inquiries/{iid}/assign", data={"assignee": "hz"}, follow_redirects=True).get_data(as_text=True)
    assert "已分派给 hz" in page and store.get_inquiry(iid)["status"] == "assigned"
    c.post(f"/inquiries/{iid}/status", data={"status": "contacted", "note": "电话已联系"})
    c.post(f"/inquiries/{iid}/note", data={"note": "客户下周来考察, 关注用电"})
    assert store.get_inquiry(iid)["status"] == "contacted"
    # backwards is refused, with the reason
    page = c.post(f"/inquiries/{iid}/status", data={"status": "new"}, follow_redirects=True).get_data(as_text=True)
    assert "未保存" in page and store.get_inquiry(iid)["status"] == "contacted"
    # the API: staff move it on and add a note
    token = cli(db, "users", "token", "hz").stdout.strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}
    r = anon.patch(f"/api/v1/inquiries/{iid}", headers=auth, json={"status": "visited", "note": "已实地考察"})
    assert r.status_code == 200 and r.get_json()["status"] == "visited"
    bad = anon.patch(f"/api/v1/inquiries/{iid}", headers=auth, json={"status": "assigned"})
    assert bad.status_code == 422 and bad.get_json()["invalid-params"][0]["name"] == "status"
    assert anon.patch(f"/api/v1/inquiries/{iid}", json={"status": "signed"}).status_code == 401
    assert anon.patch(f"/api/v1/inquiries/{iid}", headers=auth, json={"colour": "red"}).status_code == 422
    # the inquirer sees the status history, not the staff notes or names
    mine = anon.get(f"/api/v1/inquiries/{iid}", headers=inquirer).get_json()
    assert [h["status"] for h in mine["history"]] == ["assigned", "contacted", "visited"]
    text = json.dumps(mine, ensure_ascii=False)
    assert "客户下周来考察" not in text and "电话已联系" not in text and "events" not in mine
    # staff see everything, in order
    full = anon.get(f"/api/v1/inquiries/{iid}", headers=auth).get_json()
    kinds = [(e["kind"], e.get("to_status") or e.get("assignee") or e.get("note")) for e in full["events"]]
    assert kinds == [("status", "assigned"), ("assign", "hz"), ("status", "contacted"),
                     ("note", "客户下周来考察, 关注用电"), ("status", "visited")]
    detail = c.get(f"/inquiries/{iid}").get_data(as_text=True)
    assert "客户下周来考察" in detail and "已考察" in detail
    # every change is audited
    actions = [e["action"] for e in audit.entries(store, target=f"inquiry:{iid}")[0]]
    assert {"inquiry_assign", "inquiry_status", "inquiry_note", "inquiry_view"} <= set(actions)
    # staff revoke the inquirer's token: it stops working
    c.post(f"/inquiries/{iid}/revoke-token")
    assert anon.get(f"/api/v1/inquiries/{iid}", headers=inquirer).status_code == 403


def test_admin_audit_page_and_filters(app, store):
    anon = app.test_client()
    make_inquiries(anon)
    c = app.test_client()
    login(c, "hz")
    c.get("/inquiries")
    assert c.get("/admin/audit").status_code == 403  # staff are not admins
    a = app.test_client()
    login(a, "boss")
    page = a.get("/admin/audit").get_data(as_text=True)
    assert "查看咨询列表" in page and "登录" in page and "127.0.0.1" in page
    only = a.get("/admin/audit?action=login&actor=hz").get_data(as_text=True)
    assert "查看咨询列表" not in only.split("<tbody>")[1]
    assert a.get("/admin/audit?action=bogus").status_code == 400
    assert a.get("/admin/audit?page=99999999999999999999").status_code == 400
    assert a.get("/inquiries?page=99999999999999999999").status_code == 400
    assert a.get("/inquiries?page=abc").status_code == 400


def test_cli_audit_and_purge(db, app, store):
    anon = app.test_client()
    hz, jh = make_inquiries(anon)
    old = (_dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(days=400)).isoformat(timespec="seconds")
    store.update_rows("inquiries", {"id": hz["id"]}, {"created_at": old})
    user = accounts.get_user(store, "hz")
    desk.add_note(store, user, hz["id"], "old note")
    r = cli(db, "inquiries", "purge", "--older-than", "365")
    assert r.exit_code == 0 and "purged 1" in r.output
    assert store.get_inquiry(hz["id"]) is None and store.get_inquiry(jh["id"]) is not None
    assert store.count_rows("inquiry_events", where={"inquiry_id": hz["id"]}) == 0
    assert cli(db, "inquiries", "purge", "--older-than", "0").exit_code == 2
    out = json.loads(cli(db, "audit", "--action", "inquiry_purge", "--json").output)
    assert out["entries"][0]["detail"] == {"deleted": 1, "older_than_days": 365}
    assert "old note" not in json.dumps(out, ensure_ascii=False)


def test_rate_limits_on_inquiries_and_exports(db):
    a = create_app({"DB": str(db), "TESTING": True, "TILES": None, "RATE_INQUIRIES": "3 per minute",
                    "RATE_EXPORTS": "2 per minute"})
    c = a.test_client()
    codes = [c.post("/api/v1/inquiries", json=INQ).status_code for _ in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    r = c.post("/api/v1/inquiries", json=INQ)
    assert r.mimetype == "application/problem+json" and int(r.headers["Retry-After"]) > 0
    req = {"industry": "汽车零部件", "land_mu_min": 50}
    codes = [c.post("/export/recommendation.xlsx", json=req).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    a.extensions["findpark_store"].close()


def test_exports_need_the_csrf_token(app):
    raw = app.test_client(csrf=False)
    r = raw.post("/export/recommendation.xlsx", json={"industry": "汽车零部件", "land_mu_min": 50})
    assert r.status_code == 400  # another site cannot make a signed-in browser download (or run) it
    assert app.test_client().post("/export/recommendation.xlsx",
                                  json={"industry": "汽车零部件", "land_mu_min": 50}).status_code == 200


def test_sso_header_from_a_trusted_proxy_only(db, app):
    sso = create_app({"DB": str(db), "TESTING": True, "TILES": None, "SSO_HEADER": "X-Remote-User"})
    c = sso.test_client()
    assert c.get("/inquiries", headers={"X-Remote-User": "hz"}).status_code == 200
    assert c.get("/inquiries", headers={"X-Remote-User": "nobody"}).status_code == 302
    far = sso.test_client()
    r = far.get("/inquiries", headers={"X-Remote-User": "hz"}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert r.status_code == 302  # the header counts only from the proxy's address
    off = app.test_client()  # SSO is off by default
    assert off.get("/inquiries", headers={"X-Remote-User": "hz"}).status_code == 302
    sso.extensions["findpark_store"].close()


def test_openapi_declares_who_may_call(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"]}
    assert spec["components"]["securitySchemes"]["inquiryToken"]["name"] == "X-Inquiry-Token"
    ops = spec["paths"]
    assert ops["/api/v1/inquiries/{id}"]["patch"]["security"] == [{"bearerAuth": []}]
    assert ops["/api/v1/audit"]["get"]["security"] == [{"bearerAuth": []}]
    assert {"inquiryToken": []} in ops["/api/v1/inquiries/{id}"]["get"]["security"]
    assert ops["/api/v1/inquiries"]["post"]["security"] == []
    assert "401" in ops["/api/v1/inquiries/{id}"]["patch"]["responses"]
    assert re.fullmatch(r"3\.1\.\d", spec["openapi"])
