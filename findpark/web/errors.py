"""Branded error pages (400, 403, 404, 405, 413, 429, 500 …): the site header and footer, in the page's
language, a way back, never a traceback. The composition root (``findpark.app``) sends every error of a
non-API path here; API paths keep problem details (``findpark.http.problems``)."""
from __future__ import annotations

from flask import render_template
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from ..http.parsing import BadParameter
from .i18n import t

# code → (title, explanation); t() at render time, so each reads in the page's language
MESSAGES = {
    400: ("请求有误", "请求中的参数无法处理。"),
    403: ("无权访问", "您没有查看此页面的权限。请使用有权限的账号登录。"),
    404: ("页面不存在", "找不到您要的页面: 地址可能有误, 或该页面已被删除。"),
    405: ("不支持此请求方式", "此页面不接受这种请求。"),
    413: ("提交的内容过大", "请缩小提交的内容后再试。"),
    429: ("请求过于频繁", "请稍后再试。"),
    500: ("服务器出错", "服务器处理请求时出错, 错误已记录。请稍后再试。"),
}
# headers of the original error worth keeping (Allow of a 405, Retry-After of a 429, the rate-limit counters)
KEEP_HEADERS = ("allow", "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                "www-authenticate")


def _detail(exc: HTTPException | None, code: int) -> str | None:
    """A message naming what was wrong, when the error carries one meant for the visitor."""
    if isinstance(exc, BadParameter):
        return t("参数 {name} 应为 {lo}-{hi} 之间的整数", name=exc.param, lo=exc.lo, hi=exc.hi)
    if exc is not None and code == 400 and exc.description and exc.description != type(exc).description:
        return exc.description  # abort(400, description=t(…)) of a page: already in the page's language
    return None


def error_page(code: int, exc: HTTPException | None = None):
    """(body, status, headers) of the branded page for ``code``; a bare text page when the site layout cannot
    be rendered (e.g. a Host outside TRUSTED_HOSTS, where no URL can be built)."""
    title, text = MESSAGES.get(code, (None, None))
    if title is None:
        title, text = (exc.name if exc is not None else "Error"), ""
    headers = {}
    if exc is not None:
        for k, v in exc.get_headers():
            if k.lower() in KEEP_HEADERS:
                headers[k] = v
    try:
        body = render_template("error.html", code=code, title=t(title), text=t(text) if text else "",
                               detail=_detail(exc, code))
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        body = f"{code} {escape(t(title))}"
        headers["Content-Type"] = "text/plain; charset=utf-8"
    return body, code, headers
