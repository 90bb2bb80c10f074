"""The inquiry desk in a real browser: the public leaves an inquiry; a staff member made with `findpark users add`
signs in through the form, sees it (and only their scope) on the desk, assigns it and moves its status; a
staff member of another district does not see it; the public is sent to /login."""
from __future__ import annotations

from click.testing import CliRunner

from findpark.app import create_app
from findpark.cli import main
from tests.browser.conftest import open_page, serve_app
from tests.conftest import copy_store

PASSWORD = "a long enough password"


def _users(db):
    for name, scope in (("hz", "3301"), ("jh", "3307")):
        r = CliRunner().invoke(main, ["users", "add", name, "--role", "staff", "--scope", scope, "--password-stdin",
                                      "--db", str(db)], input=PASSWORD + "\n")
        assert r.exit_code == 0, r.output


def _sign_in(pg, name):
    pg.goto("/inquiries")  # the public is sent to the login form, and back after signing in
    assert "/login?next=/inquiries" in pg.url
    pg.fill("#username", name)
    pg.fill("#password", PASSWORD)
    pg.click("#login-btn")
    pg.wait_for_url("**/inquiries")
    assert f"已登录: {name}" in pg.inner_text("#who")


def test_login_desk_assign_and_status_change(browser, bundled_db, tmp_path, shot):
    db = copy_store(bundled_db, tmp_path / "desk.gpkg")
    _users(db)
    app = create_app({"DB": str(db), "TESTING": True, "TILES": None})
    with serve_app(app) as base:
        with open_page(browser, base) as pg:  # the public: an inquiry from a park page
            pg.goto("/parks/G331018/inquire")
            pg.fill("#f-company", "浏览器测试汽配公司")
            pg.fill("#f-contact_name", "赵经理")
            pg.fill("#f-contact_phone", "0571-1234 5678")
            pg.fill("#f-project_summary", "电驱动项目, 用地 60 亩")
            pg.click("button[type=submit]")
            iid = pg.inner_text("#inquiry-id")
            assert pg.inner_text("#inquiry-token")
        with open_page(browser, base) as pg:  # Hangzhou staff
            _sign_in(pg, "hz")
            row = pg.locator(f"#desk-table tr[data-id='{iid}']")
            assert "浏览器测试汽配公司" in row.inner_text() and "0571-1234 5678" in row.inner_text()
            assert "新建" in row.inner_text()
            row.locator("a").first.click()
            pg.wait_for_url(f"**/inquiries/{iid}")
            assert pg.inner_text("#company") == "浏览器测试汽配公司"
            pg.select_option("select[name=assignee]", "hz")
            pg.click("text=分派 >> nth=-1")
            pg.wait_for_selector(".flash-ok")
            assert pg.inner_text("#status") == "已分派" and pg.inner_text("#assignee") == "hz"
            pg.select_option("#f-next-status", "contacted")
            pg.fill("#status-form input[name=note]", "已电话联系, 下周考察")
            pg.click("#status-form button")
            pg.wait_for_selector(".flash-ok")
            assert pg.inner_text("#status") == "已联系"
            events = pg.inner_text("#events")
            assert "已分派 → 已联系" in events and "已电话联系, 下周考察" in events
            shot(pg, "desk_detail")
        with open_page(browser, base) as pg:  # Jinhua staff: not in their scope
            _sign_in(pg, "jh")
            assert "浏览器测试汽配公司" not in pg.content()
            resp = pg.goto(f"/inquiries/{iid}")
            assert resp.status == 404
        with open_page(browser, base) as pg:  # the public again: no inquiry content anywhere
            resp = pg.goto(f"/inquiries/{iid}")
            assert "/login" in pg.url and "浏览器测试汽配公司" not in pg.content()
