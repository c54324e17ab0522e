"""The web face (spec §12): an ASGI app (Starlette) over one event folder.

    /e/<token>       an exhibitor's own data, live estimate, statement after the event
    /staff/<token>   the organiser's dashboard and downloads
    /verify          public certificate check (upload, or the QR code's link)
    /healthz         ok

Pages are the package's jinja2 templates (autoescape on); CSS and JS ship in the wheel and no
page loads anything from elsewhere. Slow work (calculation, PDF, saving) runs in a thread.

Each handler is a function of the request alone: what the app serves (the Site, the key of
its CSRF tokens) rides on `request.app.state`. The handlers reach the library through the API
only (carbonexpo.api), as the CLI does."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from carbonexpo import api
from carbonexpo.errors import (
    CarbonExpoError,
    InputError,
    NotACertificate,
    Problem,
    VerificationFailed,
)
from carbonexpo.web.guard import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    Guard,
    csrf_ok,
    csrf_token,
    new_nonce,
)
from carbonexpo.web.pages import dashboard_context, render_page
from carbonexpo.web.text import LANGS, UI
from carbonexpo.words import TEXTS, say

MAX_BODY = 2 * 1024 * 1024  # a certificate PDF is ~100 KB; an exhibitor form a few KB
LANG_COOKIE = "cx_lang"
MEDIA = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# what the staff may download: name -> (media type, language-dependent); a document in one
# language is named by it (cisce-2024-report-zh.pdf), so the zh and en files do not collide
DOWNLOADS = {
    **{f"report-{lang}{ext}": (MEDIA[ext], True) for lang in LANGS for ext in (".html", ".pdf")},
    **{f"result-{lang}.xlsx": (MEDIA[".xlsx"], True) for lang in LANGS},
    "result.json": (MEDIA[".json"], False),
    "lines.csv": (MEDIA[".csv"], False),
    # the names before documents were named by language: ?lang= decides
    "report.html": (MEDIA[".html"], True),
    "report.pdf": (MEDIA[".pdf"], True),
}


@dataclass
class Site:
    """What the app serves: the event folder and the options of `serve`."""

    folder: Path
    lang: str = "zh"
    trust: Path | None = None
    published: Path | None = None
    ledger: str | Path | None = None
    today: dt.date | None = None  # for tests: the day the pages think it is
    _runs: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def signature(self) -> tuple[tuple[str, int, int], ...]:
        return tuple(
            (p.name, (st := p.stat()).st_mtime_ns, st.st_size)
            for p in sorted(self.folder.iterdir())
            if p.is_file() and not p.name.startswith(".")
        )

    def overview(self) -> Any:
        """The folder calculated on the rows that pass (api.ProvisionalRun), cached until a
        file of the folder changes."""
        with self._lock:
            sig = self.signature()
            if self._runs.get("sig") != sig:
                try:
                    found = api.calculate_provisional(self.folder, ledger=self.ledger)
                except InputError as exc:  # the ledger cannot be read, say
                    found = api.ProvisionalRun(None, exc.problems, 0, [])
                self._runs.update(sig=sig, overview=found)
            return self._runs["overview"]

    def run(self) -> tuple[Any, list[Any]]:
        """(the calculation of a folder without problems, or None; the problems)."""
        found = self.overview()
        return (found.run if found.complete else None), found.problems

    def config(self) -> Any:
        return api.event_config(self.folder)

    def now(self) -> dt.date:
        return self.today or dt.date.today()


def create_app(
    folder: Path,
    *,
    lang: str = "zh",
    trust: Path | None = None,
    published: Path | None = None,
    ledger: str | Path | None = None,
    today: dt.date | None = None,
) -> Starlette:
    site = Site(Path(folder), lang, trust, published, ledger, today)
    with api.folder_lock(site.folder):  # finishes (or discards) a save a crash interrupted
        pass
    app = Starlette(routes=ROUTES, middleware=[Middleware(Guard, max_body=MAX_BODY)])
    app.state.site = site
    app.state.key = api.site_secret(site.folder)
    return app


# -- what every handler needs -----------------------------------------------------------------


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return str(asked)
    kept = request.cookies.get(LANG_COOKIE)
    return kept if kept in LANGS else site_of(request).lang


def page(
    request: Request, template: str, scope: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A page in the reader's language, with a CSRF token bound to `scope`."""
    lang = lang_of(request)
    nonce = request.cookies.get(CSRF_COOKIE) or new_nonce()
    other = "en" if lang == "zh" else "zh"
    html = render_page(
        template,
        {
            "ui": UI[lang],
            "lang": lang,
            "switch": f"{request.url.path}?lang={other}",
            "request_path": request.url.path,
            "root": root_of(request),
            "request_base": str(request.base_url).rstrip("/"),
            "csrf_field": CSRF_FIELD,
            "csrf": csrf_token(request.app.state.key, nonce, scope),
            **context,
        },
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["cache-control"] = "no-store"
    response.set_cookie(
        CSRF_COOKIE, nonce, httponly=True, samesite="strict", secure=request.url.is_secure
    )
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(
            LANG_COOKIE, lang, samesite="lax", max_age=365 * 86400, secure=request.url.is_secure
        )
    return response


def root_of(request: Request) -> str:
    """The path prefix a reverse proxy serves the site under ('' when none)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def not_found(request: Request) -> HTMLResponse:
    return page(request, "web/error.html.j2", "error", 404, kind="not_found")


def problems_page(request: Request, problems: list[Any]) -> HTMLResponse:
    return page(request, "web/error.html.j2", "error", 409, kind="problems", problems=problems)


def access(request: Request, role: str) -> Any:
    """The access the path's token gives, if it is of this role (else None)."""
    found = api.find_access(site_of(request).folder, request.path_params["token"])
    return found if found is not None and found.role == role else None


def exhibitor_of(request: Request) -> str | None:
    found = access(request, "exhibitor")
    return found.exhibitor if found is not None else None


def scope_of(request: Request) -> str:
    return str(api.token_hash(request.path_params["token"]))


def csrf_ok_for(request: Request, scope: str, given: Any) -> bool:
    return csrf_ok(request.app.state.key, request.cookies.get(CSRF_COOKIE), scope, given)


async def entry_form(request: Request) -> Any:
    form = await request.form(max_files=0, max_fields=5000)
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    return form, api.parse_entry(fields)


# -- health and static --------------------------------------------------------------------------


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    # a name too long for the file system (OSError: File name too long) is no asset either
    if len(name) > 100 or "/" in name or "\x00" in name or name.startswith("."):
        return PlainTextResponse("not found", status_code=404)
    path = static_dir() / name
    if not path.is_file():
        return PlainTextResponse("not found", status_code=404)
    return FileResponse(path, headers={"cache-control": "public, max-age=3600"})


async def home(request: Request) -> Response:
    return RedirectResponse(root_of(request) + "/verify", status_code=303)


# -- exhibitor ------------------------------------------------------------------------------------


def exhibitor_context(site: Site, who: str, sections: dict[str, Any], entry: Any) -> dict[str, Any]:
    config = site.config()
    saved = api.submissions(site.folder).get(who)
    return {
        "event": config,
        "exhibitor": who,
        # a refused save shows the build type chosen, not the one on file
        "booths": api.booth_rows(site.folder, who, entry),
        "sections": sections,
        "choices": api.entry_choices(tuple(config.factor_sets)),
        "saved_at": saved["saved"] if saved else None,
        "after_event": site.now() > config.phases.end,
        "version_field": api.ENTRY_VERSION_FIELD,
        "rows_version": entry.version if entry and entry.version else "",
    }


def exhibitor_view(
    request: Request, who: str, sections: dict[str, Any], entry: Any, checked: Any, **more: Any
) -> HTMLResponse:
    """The exhibitor's page: their rows, the problems found in them, the live estimate."""
    site, lang = site_of(request), lang_of(request)
    return page(
        request,
        "web/exhibitor.html.j2",
        scope_of(request),
        **exhibitor_context(site, who, sections, entry),
        terms=api.report_labels(lang),  # codes (hsr, space_only, virgin) as the reader says them
        errors=field_errors(checked, lang),
        general=[problem_text(p, lang) for p in [*checked.general, *checked.notes]],
        estimate=estimate_json(site, who, entry, lang, checked),
        **more,
    )


async def exhibitor_page(request: Request) -> Response:
    who = exhibitor_of(request)
    if who is None:
        return not_found(request)
    site = site_of(request)
    sections, entry = await run_in_threadpool(api.open_entry, site.folder, who)
    checked = await run_in_threadpool(api.check_entry, site.folder, who, entry)
    view = await run_in_threadpool(
        exhibitor_view,
        request,
        who,
        sections,
        entry,
        checked,
        message="saved" if request.query_params.get("saved") else None,
    )
    return view


async def exhibitor_save(request: Request) -> Response:
    who = exhibitor_of(request)
    if who is None:
        return not_found(request)
    form, entry = await entry_form(request)
    if not csrf_ok_for(request, scope_of(request), form.get(CSRF_FIELD)):
        return page(request, "web/error.html.j2", "error", 403, kind="bad_request")
    site = site_of(request)
    try:
        checked, counts = await run_in_threadpool(api.save_entry, site.folder, who, entry)
    except CarbonExpoError as exc:
        checked = await run_in_threadpool(api.check_entry, site.folder, who, entry)
        checked.general.append(Problem("", 0, "", str(exc), "unreadable"))
        checked.blocking += 1
        counts = None
    if counts is not None:
        return RedirectResponse(f"{request.url.path}?saved=1", status_code=303)
    sections = {s: api.entry_rows(entry, s) for s in api.ENTRY_SECTIONS}
    view = await run_in_threadpool(
        exhibitor_view, request, who, sections, entry, checked, message="not_saved"
    )
    view.status_code = 422
    return view


async def exhibitor_estimate(request: Request) -> Response:
    who = exhibitor_of(request)
    if who is None:
        return PlainTextResponse("not found", status_code=404)
    form, entry = await entry_form(request)
    given = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    if not csrf_ok_for(request, scope_of(request), given):
        return JSONResponse({"error": "csrf"}, status_code=403)
    site, lang = site_of(request), lang_of(request)
    checked = await run_in_threadpool(api.check_entry, site.folder, who, entry)
    estimate = await run_in_threadpool(estimate_json, site, who, entry, lang, checked)
    return JSONResponse({**estimate, "errors": field_errors(checked, lang)})


async def exhibitor_statement(request: Request) -> Response:
    who = exhibitor_of(request)
    if who is None:
        return not_found(request)
    site = site_of(request)
    suffix = "." + request.path_params["fmt"]
    if suffix not in (".html", ".pdf") or site.now() <= site.config().phases.end:
        return not_found(request)
    return await statement_response(request, who, suffix)


# -- staff ----------------------------------------------------------------------------------------


async def staff_page(request: Request) -> Response:
    if access(request, "staff") is None:
        return not_found(request)
    query = request.query_params
    context = await run_in_threadpool(
        dashboard_context,
        site_of(request),
        lang_of(request),
        query=query.get("q", ""),
        sort=query.get("sort", "exhibitor"),
        page=_int(query.get("page"), 1),
    )
    return page(request, "web/staff.html.j2", scope_of(request), **context)


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and len(text) < 7 else default


def download_name(name: str, lang: str) -> tuple[str, str]:
    """(the document's name with its language, that language) for a download name."""
    stem, ext = name.rsplit(".", 1)
    if stem in ("report",):  # the old names: the language from ?lang=
        return f"{stem}-{lang}.{ext}", lang
    if stem.rsplit("-", 1)[-1] in LANGS:
        return name, stem.rsplit("-", 1)[-1]
    return name, lang


async def staff_download(request: Request) -> Response:
    if access(request, "staff") is None:
        return not_found(request)
    name = request.path_params["name"]
    if name not in DOWNLOADS:
        return not_found(request)
    run, problems = await run_in_threadpool(site_of(request).run)
    if run is None:
        return problems_page(request, problems)
    media, _ = DOWNLOADS[name]
    named, lang = download_name(name, lang_of(request))
    data = await run_in_threadpool(download_bytes, run, named, lang)
    return Response(
        data,
        media_type=media,
        headers={
            "cache-control": "no-store",
            "content-disposition": f'attachment; filename="{run.result.event.id}-{named}"',
        },
    )


async def staff_statement(request: Request) -> Response:
    """An exhibitor's statement, for the organiser (any time the folder is complete)."""
    if access(request, "staff") is None:
        return not_found(request)
    suffix = "." + request.path_params["fmt"]
    exhibitor = request.query_params.get("exhibitor", "")
    if suffix not in (".html", ".pdf") or not exhibitor:
        return not_found(request)
    return await statement_response(request, exhibitor, suffix)


async def statement_response(request: Request, exhibitor: str, suffix: str) -> Response:
    """An exhibitor's statement (.html or .pdf) of the complete folder, in the page's language;
    the problems when the folder has any; not found for an exhibitor the event does not have."""
    run, problems = await run_in_threadpool(site_of(request).run)
    if run is None:
        return problems_page(request, problems)
    try:
        data = await run_in_threadpool(
            api.report_bytes, run, suffix, lang=lang_of(request), exhibitor=exhibitor
        )
    except CarbonExpoError:
        return not_found(request)
    return Response(data, media_type=MEDIA[suffix], headers={"cache-control": "no-store"})


# -- verify -----------------------------------------------------------------------------------


async def verify_page(request: Request) -> Response:
    site = site_of(request)
    wanted = certificate_link(request.query_params.get("id"), request.query_params.get("sha256"))
    verdict = None
    if wanted and site.published is not None:
        path = await run_in_threadpool(published_certificate, site.published, wanted["id"])
        if path is not None:
            verdict = await run_in_threadpool(
                verify_path, path, site.trust, wanted, lang_of(request)
            )
    return page(
        request,
        "web/verify.html.j2",
        "verify",
        wanted=wanted,
        verdict=verdict,
        trusted=trusted_names(site.trust),
    )


async def verify_upload(request: Request) -> Response:
    site = site_of(request)
    form = await request.form(max_files=1, max_fields=10, max_part_size=MAX_BODY)
    if not csrf_ok_for(request, "verify", form.get(CSRF_FIELD)):
        return page(request, "web/error.html.j2", "error", 403, kind="bad_request")
    upload = form.get("certificate")
    wanted = certificate_link(form.get("id"), form.get("sha256"))
    verdict: dict[str, Any]
    if upload is None or isinstance(upload, str):
        verdict = {"ok": False, "messages": [say("verify.no_upload", lang_of(request))]}
    else:
        data = await upload.read()
        name = Path(str(upload.filename or "")).name[:100] or "the uploaded file"
        verdict = await run_in_threadpool(
            verify_bytes, data, site.trust, wanted, name, lang_of(request)
        )
    return page(
        request,
        "web/verify.html.j2",
        "verify",
        200 if verdict["ok"] else (400 if verdict.get("bad_input") else 422),
        wanted=wanted,
        verdict=verdict,
        trusted=trusted_names(site.trust),
    )


async def api_verify(request: Request) -> Response:
    """POST /api/verify: a certificate (cert.json or the certificate PDF, as the body) in, the
    verdict as JSON out. No CSRF token: it changes nothing and reads no cookie. ?id= and
    ?sha256= (a QR code's link) make it also check that this is the certificate named."""
    site = site_of(request)
    data = await request.body()
    if not data:
        return JSONResponse({"ok": False, "messages": ["no certificate in the body"]}, 400)
    wanted = certificate_link(request.query_params.get("id"), request.query_params.get("sha256"))
    lang = request.query_params.get("lang", "en")
    verdict = await run_in_threadpool(
        verify_bytes, data, site.trust, wanted, "certificate", lang if lang in LANGS else "en"
    )
    status = 200 if verdict["ok"] else (400 if verdict.get("bad_input") else 422)
    body = {k: v for k, v in verdict.items() if k != "record"}
    return JSONResponse(
        {"ok": verdict["ok"], **body, "trusted_issuers": trusted_names(site.trust)}, status
    )


ROUTES = [
    Route("/", home),
    Route("/healthz", healthz),
    Route("/static/{name}", asset),
    Route("/e/{token}", exhibitor_page, methods=["GET"]),
    Route("/e/{token}", exhibitor_save, methods=["POST"]),
    Route("/e/{token}/estimate", exhibitor_estimate, methods=["POST"]),
    Route("/e/{token}/statement.{fmt}", exhibitor_statement, methods=["GET"]),
    Route("/staff/{token}", staff_page, methods=["GET"]),
    Route("/staff/{token}/statement.{fmt}", staff_statement, methods=["GET"]),
    Route("/staff/{token}/{name}", staff_download, methods=["GET"]),
    Route("/verify", verify_page, methods=["GET"]),
    Route("/verify", verify_upload, methods=["POST"]),
    Route("/api/verify", api_verify, methods=["POST"]),
]


# -- pieces the handlers share --------------------------------------------------------------


def problem_text(p: Problem, lang: str) -> str:
    return f"{p.title(lang)}: {p.text(lang)}"


def field_errors(checked: Any, lang: str) -> dict[str, list[str]]:
    return {k: [problem_text(p, lang) for p in v] for k, v in checked.errors.items()}


def estimate_json(site: Site, who: str, entry: Any, lang: str, checked: Any) -> dict[str, Any]:
    """The live estimate as the page shows it, in the page's language."""
    est = api.entry_estimate(site.folder, who, entry, checked)
    if est.error is not None:
        return {"groups": [], "total_tco2e": None, "assumptions": [], "error": est.error}
    labels = api.report_labels(lang)
    return {
        "groups": [{**g, "label": labels.get(g["key"], g["key"])} for g in est.groups],
        "total_tco2e": est.total_tco2e,
        "assumptions": [api.render_note(n, lang) for n in est.assumptions],
        "error": UI[lang]["estimate_partial"] if est.partial else None,
    }


def download_bytes(run: Any, name: str, lang: str) -> bytes:
    """The bytes of a download (`name` with its language, as download_name gives it)."""
    suffix = "." + name.rsplit(".", 1)[1]
    if name.startswith("report-"):
        return bytes(api.report_bytes(run, suffix, lang=lang))
    if name.startswith("result-") and suffix == ".xlsx":
        return bytes(api.workbook_bytes(run, lang=lang))
    if name == "result.json":
        return api.result_json_bytes(run.result)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lines.csv"
        api.write_lines(run.lines, path)
        return path.read_bytes()


def certificate_link(cert_id: Any, sha256: Any) -> dict[str, str] | None:
    """The certificate a QR link names, if the link is well-formed."""
    if not isinstance(cert_id, str) or not isinstance(sha256, str):
        return None
    cert_id, sha256 = cert_id.strip()[:64], sha256.strip().lower()
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256) or not cert_id:
        return None
    return {"id": cert_id, "sha256": sha256}


def trusted_names(trust: Path | None) -> list[str]:
    """The issuers this site trusts, by the names their keys were given (issuer.pub: issuer)."""
    return sorted(p.name.removesuffix(".pub") for p in trust.glob("*.pub")) if trust else []


def published_certificate(folder: Path, cert_id: str) -> Path | None:
    """The certificate of that id among the published cert.json files."""
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("certificate_id") == cert_id:
            return path
    return None


def verify_path(
    path: Path, trust: Path | None, wanted: dict[str, str] | None, lang: str = "en"
) -> dict[str, Any]:
    """The verdict on one certificate file, in `lang`: ok, the reasons, its id and hash, and
    what it certifies (claim_summary)."""
    try:
        v = api.verify_certificate(path, trust=trust)
    except NotACertificate as exc:  # bad input, not a failed verification
        return {"ok": False, "messages": [str(exc)], "bad_input": True}
    except (VerificationFailed, CarbonExpoError) as exc:
        return {"ok": False, "messages": [str(exc).removeprefix("INVALID: ")]}
    messages = v.texts(lang)
    ok = v.ok
    cert = v.certificate if isinstance(v.certificate, dict) else {}
    if wanted and cert.get("sha256") != wanted["sha256"]:
        ok = False
        messages.insert(0, say("verify.not_the_linked", lang))
    record: dict[str, Any] = cert["record"] if isinstance(cert.get("record"), dict) else {}
    return {
        "ok": ok,
        "intact": v.intact,
        "messages": messages,
        "id": cert.get("certificate_id"),
        "sha256": cert.get("sha256"),
        "record": record,
        "claim": claim_summary(record, lang) if v.intact else None,
    }


def claim_summary(record: dict[str, Any], lang: str) -> dict[str, Any]:
    """What an intact certificate states: event, period, standard, basis, gross, offsets used,
    net, the claim's words, issuer and date (strings as signed; figures in tCO2e)."""

    def part(*keys: str) -> Any:
        node: Any = record
        for k in keys:
            node = node.get(k) if isinstance(node, dict) else None
        return node

    def number(*keys: str) -> float | None:
        try:
            return float(part(*keys))
        except (TypeError, ValueError):
            return None

    gross, eligible = number("totals", "gross_tco2e"), number("totals", "offsets_eligible_tco2e")
    standard = part("standard")
    return {
        "event": part("event", "name"),
        "event_id": part("event", "id"),
        "organiser": part("event", "organiser"),
        "period": f"{part('period', 'start')} – {part('period', 'end')}",
        "standard": say("standard." + standard, lang)
        if isinstance(standard, str) and "standard." + standard in TEXTS["en"]
        else standard,
        "basis": part("basis"),
        "kind": part("claim", "kind"),
        "headline": part("claim", f"headline_{lang}") or part("claim", "headline_en"),
        "gross_tco2e": gross,
        "offsets_used_tco2e": min(gross, eligible) if gross is not None and eligible else None,
        "offsets_eligible_tco2e": eligible,
        "net_tco2e": number("totals", "net_tco2e"),
        "issuer": part("issuer"),
        "issue_date": part("issue_date"),
        "format": part("format"),
    }


def verify_bytes(
    data: bytes,
    trust: Path | None,
    wanted: dict[str, str] | None,
    name: str = "certificate",
    lang: str = "en",
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        safe = "".join(c for c in name if c.isprintable() and c not in "/\\") or "certificate"
        path = Path(tmp) / (safe if safe not in (".", "..") else "certificate")
        path.write_bytes(data)
        return verify_path(path, trust, wanted, lang)


def static_dir() -> Path:
    return Path(str(api.templates_dir())) / "web" / "static"
