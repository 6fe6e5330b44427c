"""The staff web console as a Starlette application: routes, the sign-in guard, rendering.

Pages are rendered on the server with Jinja2 (autoescaped) and work without JavaScript: every
action is a plain form POST carrying a CSRF token, answered by a redirect (post/redirect/get).
Without a session every page redirects to the "sign in through the bot" page and every action
is refused with 403. Database calls run in Starlette's thread pool; the log is read only through
`db.log.QuestionLog`'s public methods.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from rapidfuzz import fuzz, process
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.console import report as reports
from bot.console.auth import (
    LINK_VALID,
    SESSION_LIFETIME,
    AttemptLimiter,
    Clock,
    InvalidLink,
    SignInLinks,
    new_csrf_token,
    same_token,
    session_key,
    signing_secret,
)
from bot.console.inbox import CHANNELS, LANGS, InboxFilter, inbox_page, summarise
from bot.console.strings import text
from bot.reloading import follow_reloads, reload_everywhere
from bot.services import Services
from bot.text import normalise
from db.log import LogUnavailable, QuestionLog
from db.models import OPEN, STATES

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "biovaliance_console"
LANG_COOKIE = "biovaliance_console_lang"
LANG_COOKIE_AGE = 365 * 24 * 3600
PICKER_LIMIT = 20
# Group actions offered by the inbox's action form; a staff answer has its own form and route.
ACTIONS = ("link", "dismiss", "resolve")
ANSWER_MAX_CHARS = 3500  # a staff answer is sent as one Telegram message (4,096 characters with its frame)
PHRASINGS_MAX = 50
PHRASING_MAX_CHARS = 500
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                 b"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),  # a sign-in link's token never leaves in a Referer header
    (b"cache-control", b"no-store"),
]
ENTRY_KINDS = {"Initiative": "kind_initiative", "Actor": "kind_actor", "Person": "kind_person",
               "Speciality": "kind_speciality", "Event": "kind_event", "Objective": "kind_objective",
               "Figure": "kind_figure"}


class SecurityHeaders:
    """Pure ASGI middleware: the same protective headers on every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass
class Console:
    """What every request handler shares: the services, link reader, attempt limiter, clock."""

    services: Services
    links: SignInLinks
    limiter: AttemptLimiter
    clock: Clock
    templates: jinja2.Environment

    @property
    def log(self) -> QuestionLog:
        return self.services.question_log

    # --- sessions and language ---------------------------------------------------------------

    def staff_id(self, request: Request) -> int | None:
        """The signed-in staff member, or None (an expired session, or one whose id is no longer
        staff, is cleared)."""
        session = request.session
        staff, since = session.get("staff"), session.get("since")
        if not isinstance(staff, int) or not isinstance(since, (int, float)):
            return None
        if staff not in self.services.settings.staff_user_ids or self.clock() - since > SESSION_LIFETIME.total_seconds():
            session.clear()
            return None
        return staff

    def lang(self, request: Request) -> str:
        for value in (request.session.get("lang"), request.cookies.get(LANG_COOKIE)):
            if value in LANGS:
                return value
        accepted = request.headers.get("accept-language", "")
        for part in accepted.split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in LANGS:
                return code
        return self.services.settings.default_lang

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        lang = self.lang(request)
        context.setdefault("problem", None)
        context.setdefault("signed_out", False)
        flashes = request.session.pop("flash", []) if "staff" in request.session else []
        body = self.templates.get_template(template).render(
            request=request, lang=lang, t=functools.partial(text, lang=lang), csrf=request.session.get("csrf", ""),
            signed_in=self.staff_id(request) is not None, flashes=flashes, path=request.url.path,
            here=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""), **context)
        return HTMLResponse(body, status_code=status_code)


def flash(request: Request, kind: str, message: str) -> None:
    request.session.setdefault("flash", []).append([kind, message])


def local_path(value: object, default: str = "/inbox") -> str:
    """A path on this site to go back to; anything else (another site, //host) becomes `default`."""
    path = str(value or "")
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else default


Handler = Callable[[Request, Console], Awaitable[Response]]
ActionHandler = Callable[[Request, Console, FormData], Awaitable[Response]]


def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A page: without a session, a redirect to the sign-in page."""
    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        console: Console = request.app.state.console
        if console.staff_id(request) is None:
            return RedirectResponse("/signin", status_code=303)
        return await handler(request, console)
    return endpoint


def action(handler: ActionHandler) -> Callable[[Request], Awaitable[Response]]:
    """An action (POST): refused with 403 without a session or without the session's CSRF token."""
    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        console: Console = request.app.state.console
        lang = console.lang(request)
        if console.staff_id(request) is None:
            return PlainTextResponse(text("refused_signed_out", lang), status_code=403)
        form = await request.form()
        if not same_token(form.get("csrf"), request.session.get("csrf")):  # type: ignore[arg-type]
            return PlainTextResponse(text("refused_csrf", lang), status_code=403)
        return await handler(request, console, form)
    return endpoint


# --- signing in and out --------------------------------------------------------------------------

async def sign_in_page(request: Request) -> Response:
    console: Console = request.app.state.console
    if console.staff_id(request) is not None:
        return RedirectResponse("/inbox", status_code=303)
    return console.page(request, "signin.html", signed_out=request.query_params.get("out") == "1")


async def sign_in_link(request: Request) -> Response:
    """The link from the bot: a button to confirm (a GET never uses the link up, so link previews
    and prefetching cannot spend it)."""
    console: Console = request.app.state.console
    token = request.path_params["token"]
    try:
        console.links.read(token)
    except InvalidLink as exc:
        return console.page(request, "signin.html", status_code=403, problem=exc.reason)
    return console.page(request, "confirm.html", token=token)


async def sign_in(request: Request) -> Response:
    console: Console = request.app.state.console
    client = request.client.host if request.client else "?"
    if not console.limiter.allow(client):
        return console.page(request, "signin.html", status_code=429, problem="too_many")
    form = await request.form()
    try:
        claim = console.links.read(str(form.get("token") or ""))
        if claim.staff_id not in console.services.settings.staff_user_ids:
            raise InvalidLink("not_staff")
        if not await run_in_threadpool(console.log.use_sign_in_link, claim.nonce, valid_for=LINK_VALID):
            raise InvalidLink("used")
    except InvalidLink as exc:
        logger.info("console sign-in refused: %s", exc.reason)
        return console.page(request, "signin.html", status_code=403, problem=exc.reason)
    lang = console.lang(request)
    request.session.clear()
    request.session.update(staff=claim.staff_id, since=console.clock(), csrf=new_csrf_token(), lang=lang)
    logger.info("console: a staff member signed in")
    return RedirectResponse("/inbox", status_code=303)


@action
async def sign_out(request: Request, console: Console, form: FormData) -> Response:
    request.session.clear()
    return RedirectResponse("/signin?out=1", status_code=303)


@action
async def choose_lang(request: Request, console: Console, form: FormData) -> Response:
    lang = str(form.get("lang") or "")
    response = RedirectResponse(local_path(form.get("back")), status_code=303)
    if lang in LANGS:
        request.session["lang"] = lang
        response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_AGE, httponly=True, samesite="strict",
                            secure=console.services.settings.console_https)
    return response


# --- inbox -------------------------------------------------------------------------------------

@page
async def inbox(request: Request, console: Console) -> Response:
    flt, wrong = InboxFilter.from_query(request.query_params)
    groups = await run_in_threadpool(console.log.review_groups, flt.status)
    result = inbox_page(groups, flt)
    knowledge = console.services.knowledge
    return console.page(request, "inbox.html", flt=flt, wrong=wrong, result=result, states=STATES,
                        langs=LANGS, channels=CHANNELS, entries=_entry_options(console),
                        names={e.id: e.name for e in knowledge}, query=lambda **c: urlencode(flt.query(**c)))


def _entry_options(console: Console) -> list[tuple[str, str]]:
    return [(e.id, e.name) for e in console.services.knowledge]


def _pick_entries(console: Console, search: str) -> list[tuple[str, str]]:
    """Entries whose id, names or aliases look like `search` (the searchable picker)."""
    if not search.strip():
        return []
    choices = {}
    for entry in console.services.knowledge:
        choices[entry.id] = normalise(" ".join((entry.id.replace("-", " "), *entry.all_names())))
    found = process.extract(normalise(search), choices, scorer=fuzz.partial_ratio, score_cutoff=70, limit=PICKER_LIMIT)
    knowledge = console.services.knowledge
    return [(key, knowledge.entries[key].name) for _text, _score, key in found]


@page
async def group_page(request: Request, console: Console) -> Response:
    status = request.query_params.get("status", OPEN)
    return await _group_view(request, console, request.path_params["key"], status if status in STATES else OPEN)


async def _group_view(request: Request, console: Console, key: str, status: str, *, status_code: int = 200,
                      answer_form: AnswerForm | None = None, answer_problems: tuple[str, ...] = ()) -> Response:
    """A group's page; with `answer_form`, the staff answer form as it was sent, with its problems."""
    groups = await run_in_threadpool(console.log.review_groups, status)
    group = next((g for g in groups if g.key == key), None)
    if group is None:
        return console.page(request, "group.html", status_code=404, group=None, key=key, status=status)
    summary = summarise(group, group.questions)
    engine_now = await run_in_threadpool(console.services.read_question, summary.samples[0], group.questions[0].lang)
    knowledge = console.services.knowledge
    closest = list(dict.fromkeys([*group.candidates(5), *([engine_now["entry"]] if engine_now["entry"] else []),
                                  *(s["entry"] for s in engine_now["suggestions"])]))
    search = request.query_params.get("entry_q", "")
    if answer_form is None:
        answer_form = AnswerForm(texts={}, phrasings=tuple(dict.fromkeys(q.text for q in group.questions)))
    return console.page(request, "group.html", status_code=status_code, group=group, summary=summary, key=key,
                        status=status,
                        closest=[(e, knowledge.entries[e].name) for e in closest if e in knowledge.entries],
                        engine_now=engine_now, entry_search=search, picked=_pick_entries(console, search),
                        entries=_entry_options(console), answer_form=answer_form, answer_problems=answer_problems,
                        answers_on=console.services.handover is not None)


@action
async def act_on_groups(request: Request, console: Console, form: FormData) -> Response:
    """Link, dismiss or resolve the groups ticked (or the one shown); says which ones someone
    else handled first instead of failing."""
    lang = console.lang(request)
    back = local_path(form.get("back"))
    keys = [str(k) for k in form.getlist("group")]
    kind = str(form.get("action") or "")
    entry_id = str(form.get("entry") or "").strip().split(" ")[0]
    if kind not in ACTIONS:
        flash(request, "error", text("unknown_action", lang))
        return RedirectResponse(back, status_code=303)
    if not keys:
        flash(request, "error", text("select_groups", lang))
        return RedirectResponse(back, status_code=303)
    knowledge = console.services.knowledge
    if kind == "link" and entry_id not in knowledge.entries:
        flash(request, "error", text("unknown_entry", lang, entry=entry_id[:64] or "—"))
        return RedirectResponse(back, status_code=303)
    handled = await run_in_threadpool(console.log.handle_groups, keys, kind, entry_id or None)
    if kind == "link" and any(handled.values()):
        console.services.teach(await run_in_threadpool(console.log.learned_aliases))
    done = sum(handled.values())
    if done:
        message = {"link": "linked", "dismiss": "dismissed", "resolve": "resolved"}[kind]
        flash(request, "ok", text(message, lang, count=done, groups=sum(1 for n in handled.values() if n),
                                  entry=knowledge.entries[entry_id].name if kind == "link" else ""))
    gone = [k for k, n in handled.items() if n == 0]
    if gone:
        flash(request, "warn", text("already_handled", lang, groups=", ".join(gone[:10])))
    if back.startswith("/inbox/g"):  # the group itself is no longer open: back to the list
        back = "/inbox"
    return RedirectResponse(back, status_code=303)


# --- staff answers --------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerForm:
    """The "write a staff answer" form as sent: texts by language, one phrasing per line."""

    texts: dict[str, str]
    phrasings: tuple[str, ...]

    @classmethod
    def read(cls, form: FormData) -> AnswerForm:
        texts = {lang: str(form.get(f"text_{lang}") or "").strip() for lang in LANGS}
        lines = str(form.get("phrasings") or "").splitlines()
        return cls({lang: t for lang, t in texts.items() if t}, tuple(dict.fromkeys(p.strip() for p in lines if p.strip())))

    def problems(self) -> tuple[str, ...]:
        """String keys of what is wrong (empty when it can be saved)."""
        wrong = []
        if not self.texts:
            wrong.append("answer_no_text")
        if any(len(t) > ANSWER_MAX_CHARS for t in self.texts.values()):
            wrong.append("answer_too_long")
        if not any(normalise(p) for p in self.phrasings):
            wrong.append("answer_no_phrasing")
        if len(self.phrasings) > PHRASINGS_MAX or any(len(p) > PHRASING_MAX_CHARS for p in self.phrasings):
            wrong.append("answer_too_many_phrasings")
        return tuple(wrong)


@action
async def answer_group(request: Request, console: Console, form: FormData) -> Response:
    """Save a staff answer for a group (the store the Telegram flow uses) and resolve the group.

    The answer is saved before the group is resolved, so a database failure in between loses no
    text; if someone else handled the group meanwhile, the answer just saved is taken back and the
    page says so, as for every other action."""
    lang = console.lang(request)
    key = str(form.get("group") or "")
    store = console.services.handover
    if store is None:
        flash(request, "error", text("answers_off", lang))
        return RedirectResponse("/inbox", status_code=303)
    answer = AnswerForm.read(form)
    open_keys = {g.key for g in await run_in_threadpool(console.log.review_groups, OPEN)}
    if key not in open_keys:
        flash(request, "warn", text("already_handled", lang, groups=key[:32] or "—"))
        return RedirectResponse("/inbox", status_code=303)
    problems = answer.problems()
    if problems:
        return await _group_view(request, console, key, OPEN, status_code=422, answer_form=answer,
                                 answer_problems=problems)
    answer_id = await run_in_threadpool(store.save_answer, answer.phrasings, answer.texts)
    handled = await run_in_threadpool(console.log.handle_groups, [key], "resolve")
    if not handled.get(key):
        await run_in_threadpool(store.delete_answer, answer_id)
        flash(request, "warn", text("already_handled", lang, groups=key))
    else:
        flash(request, "ok", text("answer_saved", lang, id=f"A{answer_id}", group=key, phrasings=len(answer.phrasings)))
    await _reload_answers(console)
    return RedirectResponse("/inbox", status_code=303)


async def _reload_answers(console: Console) -> None:
    """This process answers from the change at once; bot processes follow the change counter."""
    try:
        await run_in_threadpool(console.services.refresh_staff_answers, force=True)
    except LogUnavailable as exc:
        logger.warning("staff answers not reloaded: %s", exc)


@page
async def answers_page(request: Request, console: Console) -> Response:
    store = console.services.handover
    answers = await run_in_threadpool(store.answers) if store is not None else []
    return console.page(request, "answers.html", answers=answers, answers_on=store is not None)


@action
async def delete_answer(request: Request, console: Console, form: FormData) -> Response:
    lang = console.lang(request)
    store = console.services.handover
    ref = str(form.get("answer") or "").strip().lstrip("Aa")
    if store is None or not ref.isdigit() or len(ref) > 12:
        flash(request, "error", text("answer_unknown", lang, id=ref[:16] or "—"))
        return RedirectResponse("/answers", status_code=303)
    if await run_in_threadpool(store.delete_answer, int(ref)):
        flash(request, "ok", text("answer_deleted", lang, id=f"A{ref}"))
        await _reload_answers(console)
    else:
        flash(request, "warn", text("answer_gone", lang, id=f"A{ref}"))
    return RedirectResponse("/answers", status_code=303)


# --- statistics --------------------------------------------------------------------------------

def _report(request: Request, console: Console) -> tuple[reports.Report, bool]:
    lang = console.lang(request)
    params = request.query_params
    days = params.get("days", "")
    first, last, ok = reports.period(params.get("from"), params.get("to"), console.services.today(),
                                     int(days) if days.isdigit() and 1 <= int(days) <= reports.MAX_DAYS else 7)
    return reports.build_report(console.log, console.services.knowledge, first, last,
                                functools.partial(text, lang=lang)), ok


@page
async def stats_page(request: Request, console: Console) -> Response:
    report, ok = await run_in_threadpool(_report, request, console)
    query = urlencode({"from": report.first_day.isoformat(), "to": report.last_day.isoformat()})
    return console.page(request, "stats.html", report=report, period_ok=ok, query=query)


@page
async def stats_csv(request: Request, console: Console) -> Response:
    name = request.path_params["name"]
    report, _ok = await run_in_threadpool(_report, request, console)
    table = report.tables.get(name)
    if table is None:
        raise HTTPException(404)
    filename = f"biovaliance-{name}-{report.first_day}-{report.last_day}.csv"
    return Response(reports.csv_text(table), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


# --- knowledge base ------------------------------------------------------------------------------

@page
async def knowledge_page(request: Request, console: Console) -> Response:
    search = request.query_params.get("q", "").strip()
    knowledge = console.services.knowledge
    lang = console.lang(request)
    wanted = {key for key, _name in _pick_entries(console, search)} if search else None
    sections: dict[str, list[Any]] = {}
    for entry in knowledge:
        if wanted is None or entry.id in wanted:
            sections.setdefault(ENTRY_KINDS.get(type(entry).__name__, "kind_other"), []).append(entry)
    learned = await run_in_threadpool(console.log.aliases_by_entry)
    return console.page(request, "knowledge.html", sections=sections, search=search, learned=learned,
                        total=len(knowledge), display=lambda e: e.display(lang),
                        version=console.services.knowledge_version)


@page
async def entry_page(request: Request, console: Console) -> Response:
    entry_id = request.path_params["entry_id"]
    lang = console.lang(request)
    card = console.services.entry_card(entry_id, lang)
    if card is None:
        return console.page(request, "entry.html", status_code=404, entry=None, entry_id=entry_id)
    entry = console.services.knowledge.entries[entry_id]
    learned = (await run_in_threadpool(console.log.aliases_by_entry)).get(entry_id, [])
    linked = await run_in_threadpool(console.log.linked_questions, entry_id)
    names = {e.id: e.display(lang) for e in console.services.knowledge}
    return console.page(request, "entry.html", entry=entry, entry_id=entry_id, card=card, learned=learned,
                        linked=linked, names=names, kind=ENTRY_KINDS.get(type(entry).__name__, "kind_other"))


@page
async def try_page(request: Request, console: Console) -> Response:
    question = request.query_params.get("q", "").strip()[:1000]
    lang = request.query_params.get("lang", "")
    reading = None
    if question:
        reading = await run_in_threadpool(console.services.read_question, question, lang if lang in LANGS else None)
    names = {e.id: e.name for e in console.services.knowledge}
    return console.page(request, "try.html", question=question, reading=reading, ask_lang=lang, names=names,
                        raw=json.dumps(reading, ensure_ascii=False, indent=2, default=str) if reading else "")


@action
async def reload_knowledge(request: Request, console: Console, form: FormData) -> Response:
    outcome = await run_in_threadpool(reload_everywhere, console.services)
    lang = console.lang(request)
    if outcome.ok:
        flash(request, "ok", text("reloaded", lang, entries=outcome.entries))
        return RedirectResponse("/knowledge", status_code=303)
    return console.page(request, "reload_failed.html", status_code=422, problems=outcome.problems)


async def home(request: Request) -> Response:
    return RedirectResponse("/inbox", status_code=303)


async def database_down(request: Request, exc: Exception) -> Response:
    console: Console = request.app.state.console
    logger.warning("console: %s", exc)
    return console.page(request, "error.html", status_code=503, message=text("db_down", console.lang(request)))


async def not_found(request: Request, exc: Exception) -> Response:
    console: Console = request.app.state.console
    return console.page(request, "error.html", status_code=404, message=text("not_found", console.lang(request)))


# --- assembly ----------------------------------------------------------------------------------

def build_console(services: Services, *, clock: Clock = time.time, limiter: AttemptLimiter | None = None,
                  follow_reloads_every: float | None = None) -> Starlette:
    """The console for these services. `follow_reloads_every` (seconds) starts, with the app, the
    poll that follows knowledge reloads made by other processes."""
    if services.question_log is None:
        raise ValueError("the web console needs the question log")
    settings = services.settings
    secret = signing_secret(settings)
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                   undefined=jinja2.StrictUndefined)
    console = Console(services=services, links=SignInLinks(secret, clock=clock), limiter=limiter or AttemptLimiter(),
                      clock=clock, templates=templates)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_follow(services, follow_reloads_every)) if follow_reloads_every else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    routes = [
        Route("/", home),
        Route("/signin", sign_in_page),
        Route("/signin", sign_in, methods=["POST"]),
        Route("/signin/{token}", sign_in_link),
        Route("/signout", sign_out, methods=["POST"]),
        Route("/lang", choose_lang, methods=["POST"]),
        Route("/inbox", inbox),
        Route("/inbox/act", act_on_groups, methods=["POST"]),
        Route("/inbox/answer", answer_group, methods=["POST"]),
        Route("/inbox/{key:str}", group_page),
        Route("/answers", answers_page),
        Route("/answers/delete", delete_answer, methods=["POST"]),
        Route("/stats", stats_page),
        Route("/stats/{name:str}.csv", stats_csv),
        Route("/knowledge", knowledge_page),
        Route("/knowledge/try", try_page),
        Route("/knowledge/reload", reload_knowledge, methods=["POST"]),
        Route("/knowledge/entry/{entry_id:str}", entry_page),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=session_key(secret), session_cookie=SESSION_COOKIE,
                   max_age=int(SESSION_LIFETIME.total_seconds()), same_site="strict", https_only=settings.console_https),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={LogUnavailable: database_down, 404: not_found})
    app.state.console = console
    return app


async def _follow(services: Services, every: float) -> None:
    """Follow knowledge reloads announced by other processes (bots, other consoles)."""
    while True:
        await asyncio.sleep(every)
        try:
            await run_in_threadpool(follow_reloads, services)
        except Exception:  # noqa: BLE001 - the poll must outlive one bad round; the error is logged
            logger.exception("following knowledge reloads failed; trying again")
