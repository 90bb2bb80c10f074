"""数据管理 (staff and admins): upload (GeoJSON, zipped Shapefile, GeoPackage, XLSX/CSV) with a datum choice, the
staged import's preview map, validation report and field-by-field diff, apply or discard; the version list
with restore (admins); exports; and the park page's quick plot edits. The work is ``services.imports`` and
``services.versions``; this module only turns forms into calls and answers into pages."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for

from ..http import get_store
from ..http.auth import client_address, page_requires, page_user
from ..services import imports, versions
from .i18n import t

bp = Blueprint("data_admin", __name__)
DATUMS = ("", "wgs84", "gcj02", "bd09", "EPSG:4549", "EPSG:4490")


def _fail(exc: imports.ImportError_):
    if exc.status == 404:
        abort(404)
    if exc.status == 403:
        abort(403, description=str(exc))
    flash(t("未执行: {why}", why=str(exc)), "error")


@bp.get("/admin/data")
@page_requires("staff")
def data():
    store, user = get_store(), page_user()
    return render_template("data_admin.html", recent=imports.recent(store, user),
                           versions=versions.list_versions(store)[:50], datums=DATUMS)


@bp.post("/admin/imports")
@page_requires("staff")
def stage():
    request.max_content_length = current_app.config.get("MAX_UPLOAD", 64 * 1024 * 1024)
    files = [f for f in request.files.getlist("file") if f and f.filename]
    crs = (request.form.get("crs") or "").strip() or None
    layer = (request.form.get("layer") or "").strip() or None
    if crs is not None and crs not in DATUMS:
        abort(400, description=t("未知坐标系"))
    if layer is not None and layer not in ("parks", "plots", "amenities"):
        abort(400, description=t("未知图层"))
    try:
        imp = imports.stage(get_store(), page_user(), [(f.filename, f.stream) for f in files], crs=crs, layer=layer,
                            replace=request.form.get("replace") == "1", address=client_address(),
                            max_bytes=current_app.config.get("MAX_UPLOAD"))
    except imports.ImportError_ as exc:
        _fail(exc)
        return redirect(url_for("data_admin.data"))
    return redirect(url_for("data_admin.show", iid=imp["id"]))


@bp.get("/admin/imports/<iid>")
@page_requires("staff")
def show(iid):
    try:
        imp = imports.get(get_store(), page_user(), iid, with_preview=True)
    except imports.ImportError_ as exc:
        _fail(exc)
        return redirect(url_for("data_admin.data"))
    return render_template("import.html", imp=imp, datums=DATUMS, js_i18n=_js_strings())


def _js_strings() -> dict:
    return {s: t(s) for s in ("新增", "修改", "未变", "园区边界", "县界")}


@bp.post("/admin/imports/<iid>/check")
@page_requires("staff")
def recheck(iid):
    crs = (request.form.get("crs") or "").strip() or None
    if crs is not None and crs not in DATUMS:
        abort(400, description=t("未知坐标系"))
    try:
        imports.restage(get_store(), page_user(), iid, crs=crs, address=client_address())
    except imports.ImportError_ as exc:
        _fail(exc)
    return redirect(url_for("data_admin.show", iid=iid))


@bp.post("/admin/imports/<iid>/apply")
@page_requires("staff")
def apply(iid):
    try:
        imp = imports.apply(get_store(), page_user(), iid, note=(request.form.get("note") or "")[:500],
                            address=client_address())
    except imports.ImportError_ as exc:
        _fail(exc)
        return redirect(url_for("data_admin.show", iid=iid))
    flash(t("已应用, 成为版本 {n}", n=imp["version"]), "ok")
    return redirect(url_for("data_admin.data"))


@bp.post("/admin/imports/<iid>/discard")
@page_requires("staff")
def discard(iid):
    try:
        imports.discard(get_store(), page_user(), iid, address=client_address())
    except imports.ImportError_ as exc:
        _fail(exc)
        return redirect(url_for("data_admin.show", iid=iid))
    flash(t("已放弃, 数据未改变"), "ok")
    return redirect(url_for("data_admin.data"))


@bp.post("/admin/versions/<int:number>/restore")
@page_requires("admin")
def restore(number):
    try:
        v = versions.restore(get_store(), number, author=page_user().username, address=client_address())
    except versions.VersionError as exc:
        flash(t("未执行: {why}", why=str(exc)), "error")
        return redirect(url_for("data_admin.data"))
    flash(t("已恢复版本 {n}, 成为版本 {m}", n=number, m=v["number"]), "ok")
    return redirect(url_for("data_admin.data"))


@bp.get("/admin/data/export.<fmt>")
@page_requires("staff")
def export(fmt):
    import tempfile

    from ..reports import dataset

    store = get_store()
    if fmt == "geojson":
        layer = request.args.get("layer", "plots")
        if layer not in ("parks", "plots", "amenities"):
            abort(400, description=t("未知图层"))
        return send_file(io.BytesIO(dataset.geojson_bytes(store, layer)), mimetype="application/geo+json",
                         as_attachment=True, download_name=f"findpark-{layer}.geojson")
    if fmt == "xlsx":
        return send_file(io.BytesIO(dataset.xlsx_bytes(store)), as_attachment=True,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         download_name="findpark-data.xlsx")
    if fmt == "gpkg":
        with tempfile.TemporaryDirectory() as tmp:
            dest = f"{tmp}/findpark.gpkg"
            dataset.write_gpkg(store, dest)
            with open(dest, "rb") as fh:
                data = fh.read()
        return send_file(io.BytesIO(data), mimetype="application/geopackage+sqlite3", as_attachment=True,
                         download_name="findpark-data.gpkg")
    abort(404)


@bp.post("/parks/<pid>/plots/<plot_id>")
@page_requires("staff")
def edit_plot(pid, plot_id):
    store = get_store()
    if plot_id == "__plot__":  # the form without JavaScript: the plot comes as a field
        plot_id = (request.form.get("plot_id") or "").strip()
    plot = store.get("plots", plot_id)
    if plot is None or plot["park_id"] != pid:
        abort(404)
    changes = {k: request.form.get(k, "").strip() for k in versions.EDITABLE if k in request.form}
    try:
        out = versions.edit_plot(store, page_user(), plot_id, changes, address=client_address())
    except LookupError:
        abort(404)
    except ValueError as exc:
        flash(t("未保存: {why}", why=str(exc)), "error")
        return redirect(url_for("pages.park", pid=pid) + "#quick-edit")
    if out["version"] is None:
        flash(t("没有变化"), "ok")
    else:
        flash(t("地块 {id} 已更新 (版本 {n})", id=plot_id, n=out["version"]), "ok")
    return redirect(url_for("pages.park", pid=pid) + "#quick-edit")
