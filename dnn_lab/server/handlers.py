"""Tornado handlers of the dnn_lab extension (imported only when the server loads it).

Routes, under the server's base URL:

- ``GET  dnn-lab``                 the page (HTML; a browser without login is sent to /login)
- ``GET  dnn-lab/api/assignments`` bundled assignments and their languages
- ``POST dnn-lab/api/fresh``       {"assignment", "lang", "folder"} → a new student notebook
- ``POST dnn-lab/api/repair``      {"path", ["assignment", "lang"]} → a new, repaired notebook
- ``GET  dnn-lab/api/progress``    [?folder=] → last Check results per folder
- ``GET  dnn-lab/api/class``       the class at a glance (instructor's server: ``c.DnnLab.course_directory``)

Every handler requires Jupyter's authentication (API: 403 without a token) and
authorisation on the ``contents`` resource; POSTs pass Jupyter's XSRF check.
Errors are JSON ``{"error": code, "message": "zh / en", "detail": ...}``.
"""
import asyncio
import json

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from . import URL_PREFIX
from .actions import ActionError, fresh_copy, list_assignments, progress, repair_at
from .class_summary import as_json, class_summaries, course_directory, render_section
from .page import render_page
from ..messages import MESSAGES, t_short

MAX_BODY_BYTES = 64 * 1024


class _Base:
    auth_resource = "contents"

    def initialize(self, root_dir):
        self.root_dir = root_dir

    @property
    def allow_hidden(self):
        # follow the server: hidden files are reachable only where Jupyter shows them
        return bool(getattr(self.contents_manager, "allow_hidden", False))


class PageHandler(_Base, JupyterHandler):
    @web.authenticated
    @authorized
    def get(self):
        # the lab's language (dnn-lab lab --lang) is the page's and the fresh copy's default
        html = render_page(self.base_url, self.xsrf_token.decode("ascii"), list_assignments()["assignments"],
                           lang=self.settings.get("dnn_lab_lang", "both"))
        course_dir = course_directory(self.settings.get("config"))
        if course_dir:  # the instructor's server only (c.DnnLab.course_directory)
            section = render_section(class_summaries(course_dir))
            html = html.replace("</body>", section + "</body>", 1) if section else html
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(html)


class ApiHandler(_Base, APIHandler):
    def send_error_json(self, code, status, detail=""):
        self.set_status(status)
        message = t_short(f"page.error.{code}", "both") if f"page.error.{code}" in MESSAGES else code
        self.finish(json.dumps({"error": code, "message": message, "detail": detail}, ensure_ascii=False))

    async def run(self, fn, *args, **kwargs):
        """Run an action off the event loop; its refusals become JSON errors."""
        try:
            result = await asyncio.to_thread(fn, *args, **kwargs)
        except ActionError as exc:
            self.send_error_json(exc.code, exc.status, exc.detail)
            return
        except Exception:
            self.log.exception("dnn_lab: %s failed", getattr(fn, "__name__", fn))
            self.send_error_json("internal", 500)
            return
        self.finish(json.dumps(result, ensure_ascii=False))

    def json_body(self):
        """The request body as a dict, or None after answering 400/413."""
        body = self.request.body or b""
        if len(body) > MAX_BODY_BYTES:
            self.send_error_json("request_too_large", 413)
            return None
        try:
            data = json.loads(body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            self.send_error_json("bad_request", 400)
            return None
        return data

    def string_arg(self, data, key, default=None):
        value = data.get(key, default)
        if value is not None and not isinstance(value, str):
            raise ActionError("bad_request", 400, key)
        return value


class AssignmentsHandler(ApiHandler):
    @web.authenticated
    @authorized
    async def get(self):
        await self.run(list_assignments)


class FreshHandler(ApiHandler):
    @web.authenticated
    @authorized
    async def post(self):
        data = self.json_body()
        if data is None:
            return
        try:
            args = {k: self.string_arg(data, k, d) for k, d in
                    (("folder", ""), ("assignment", "step_by_step"), ("lang", "both"))}
        except ActionError as exc:
            return self.send_error_json(exc.code, exc.status, exc.detail)
        await self.run(fresh_copy, self.root_dir, **args, allow_hidden=self.allow_hidden)


class RepairHandler(ApiHandler):
    @web.authenticated
    @authorized
    async def post(self):
        data = self.json_body()
        if data is None:
            return
        try:
            args = {k: self.string_arg(data, k) for k in ("path", "assignment", "lang")}
        except ActionError as exc:
            return self.send_error_json(exc.code, exc.status, exc.detail)
        await self.run(repair_at, self.root_dir, args["path"] or "", args["assignment"], args["lang"],
                       allow_hidden=self.allow_hidden)


class ClassSummaryHandler(ApiHandler):
    """The class at a glance, for the instructor's server only (404 without c.DnnLab.course_directory)."""

    @web.authenticated
    @authorized
    async def get(self):
        course_dir = course_directory(self.settings.get("config"))
        if not course_dir:
            raise web.HTTPError(404)
        summaries = await asyncio.get_running_loop().run_in_executor(None, class_summaries, course_dir)
        self.finish(json.dumps(as_json(summaries), ensure_ascii=False))


class ProgressHandler(ApiHandler):
    @web.authenticated
    @authorized
    async def get(self):
        await self.run(progress, self.root_dir, self.get_argument("folder", ""), allow_hidden=self.allow_hidden)


def setup_handlers(serverapp):
    web_app = serverapp.web_app
    base = url_path_join(web_app.settings["base_url"], URL_PREFIX)
    kwargs = {"root_dir": serverapp.root_dir}
    web_app.add_handlers(".*$", [
        (base + r"/?", PageHandler, kwargs),
        (url_path_join(base, "api", "assignments"), AssignmentsHandler, kwargs),
        (url_path_join(base, "api", "fresh"), FreshHandler, kwargs),
        (url_path_join(base, "api", "repair"), RepairHandler, kwargs),
        (url_path_join(base, "api", "progress"), ProgressHandler, kwargs),
        (url_path_join(base, "api", "class"), ClassSummaryHandler, kwargs),
    ])
