"""A local Telegram Bot API server for end-to-end tests, plus a simulated user.

It speaks the Bot API over HTTP on 127.0.0.1 with the layout of Telegram's self-hosted server
(`{root}/bot{token}/{method}`), so the real python-telegram-bot `Application` talks to it exactly
as it would to Telegram: long polling with `offset` and `timeout`, or webhooks (it POSTs updates
to the registered URL with the `X-Telegram-Bot-Api-Secret-Token` header). Its answers are genuine
Bot API objects (dates in seconds, `is_bot` on users, `chat_instance` on callback queries), and it
refuses what Telegram refuses: malformed HTML, texts over 4,096 characters, callback data over 64
bytes, editing a message to the same content, answering a callback query twice.

The test plays the user: `send_text`, `press_button` (only buttons the message really carries),
`inline_query`; then reads what the bot did with `wait_for_messages`, `wait_for_callback_answer`,
`wait_for_inline_answer`. `inject` makes the next calls of a method fail with 429 + retry_after,
a 5xx, or a hang past the client's timeout. Group chats deliver every message, as for a bot with
privacy mode off, which is the stricter test of the bot's manners.
"""
from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any

import httpx
import tornado.httpserver
import tornado.netutil
import tornado.web

__all__ = ["BotApiEmulator", "FakeChat", "FakeUser", "ApiCall", "transcript_markdown"]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

# Parameters the Bot API accepts as JSON-serialised objects when sent as form fields.
JSON_FIELDS = frozenset({
    "reply_markup", "entities", "caption_entities", "results", "commands", "scope",
    "allowed_updates", "reply_parameters", "link_preview_options", "button", "media",
})

# Telegram's HTML parse mode: these tags and no others.
ENTITY_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote", "span": "spoiler",
    "tg-emoji": "custom_emoji",
}


class ApiError(Exception):
    """An error answered the way the Bot API answers it."""

    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _TelegramHtml(HTMLParser):
    """Parse a message in Telegram's HTML dialect into plain text and entities, strictly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.stack: list[tuple[str, int, dict]] = []
        self.entities: list[dict] = []

    def _position(self) -> int:
        return utf16_len("".join(self.parts))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ENTITY_TAGS:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
        attributes = dict(attrs)
        if tag == "a" and not attributes.get("href"):
            raise ApiError(400, "Bad Request: can't parse entities: a tag without href")
        self.stack.append((tag, self._position(), attributes))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "{tag}"')
        tag, start, attributes = self.stack.pop()
        length = self._position() - start
        if length:
            entity = {"type": ENTITY_TAGS[tag], "offset": start, "length": length}
            if tag == "a":
                entity["url"] = attributes["href"]
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            raise ApiError(400, "Bad Request: can't parse entities: unescaped < or > in text")
        if "&" in data:
            raise ApiError(400, "Bad Request: can't parse entities: unescaped & in text")
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            raise ApiError(400, f"Bad Request: can't parse entities: unsupported entity &{name};")
        self.parts.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.parts.append(html.unescape(f"&#{name};"))

    def parse(self, text: str) -> tuple[str, list[dict]]:
        self.feed(text)
        self.close()
        if self.rawdata:
            raise ApiError(400, "Bad Request: can't parse entities: unfinished tag")
        if self.stack:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        return "".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))


def parse_text(text: str | None, parse_mode: str | None, *, limit: int = MAX_TEXT) -> tuple[str, list[dict]]:
    """Text and entities as Telegram would store them, or the ApiError Telegram would answer."""
    if text is None or not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if parse_mode is None or parse_mode == "":
        plain, entities = text, []
    elif parse_mode.lower() == "html":
        plain, entities = _TelegramHtml().parse(text)
    else:
        raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r} in this emulator")
    if not plain.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(plain) > limit:
        raise ApiError(400, "Bad Request: message is too long")
    return plain, entities


def validate_markup(markup: dict | None) -> dict | None:
    if not markup:
        return None
    if "inline_keyboard" not in markup:
        return markup  # reply keyboards and force_reply are kept as sent
    for row in markup["inline_keyboard"]:
        for button in row:
            if not button.get("text"):
                raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
            kinds = [k for k in ("callback_data", "url", "switch_inline_query",
                                 "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                                 "copy_text", "login_url", "web_app", "pay", "callback_game") if k in button]
            if len(kinds) != 1:
                raise ApiError(400, "Bad Request: can't parse inline keyboard button")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user played by the test."""

    id: int
    first_name: str
    language_code: str | None = "en"
    username: str | None = None

    def to_api(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class FakeChat:
    id: int
    type: str  # private, group, supergroup
    title: str | None = None
    first_name: str | None = None
    is_forum: bool = False

    @classmethod
    def private(cls, user: FakeUser) -> FakeChat:
        return cls(id=user.id, type="private", first_name=user.first_name)

    @classmethod
    def group(cls, chat_id: int, title: str) -> FakeChat:
        return cls(id=chat_id, type="supergroup", title=title)

    def to_api(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title:
            data["title"] = self.title
        if self.first_name:
            data["first_name"] = self.first_name
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass
class ApiCall:
    """One request the bot made, as the server saw it."""

    method: str
    params: dict
    at: float
    status: int = 200
    fault: str | None = None


@dataclass
class Fault:
    kind: str  # "429", "5xx", "hang"
    retry_after: int = 1
    status: int = 500
    seconds: float = 10.0


@dataclass
class TranscriptLine:
    chat_id: int
    who: str  # "user", "bot", "press", "file", "toast", "edit"
    text: str
    buttons: tuple[str, ...] = ()


@dataclass
class _Chat:
    info: FakeChat
    messages: dict[int, dict] = field(default_factory=dict)
    next_message_id: itertools.count = field(default_factory=lambda: itertools.count(1))
    bot_messages: list[dict] = field(default_factory=list)
    read: int = 0
    topics: set[int] = field(default_factory=set)


class BotApiEmulator:
    """The server: start it, point the bot at `root`, play the user, read what the bot sent."""

    def __init__(self, *, token: str = "123456:TEST-TOKEN", bot_username: str = "biovaliance_test_bot",
                 bot_id: int = 123456, port: int = 0):
        self.token = token
        self._requested_port = port  # 0: any free port
        self.bot = {"id": bot_id, "is_bot": True, "first_name": "BIOVALIANCE", "username": bot_username,
                    "can_join_groups": True, "can_read_all_group_messages": False,
                    "supports_inline_queries": True, "can_connect_to_business": False,
                    "has_main_web_app": False}
        self.calls: list[ApiCall] = []
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.files: dict[str, tuple[str, str, bytes]] = {}  # file_id -> (file name, mime type, bytes)
        self.transcript: list[TranscriptLine] = []
        self.pushed: list[dict] = []  # every update sent to the bot, for redeliver()
        self.webhook: dict | None = None
        self._updates: deque[dict] = deque()
        self._update_ids = itertools.count(1001)
        self._chats: dict[int, _Chat] = {}
        self._callback_queries: dict[str, dict] = {}
        self._callback_answers: dict[str, dict] = {}
        self._inline_queries: dict[str, dict] = {}
        self._inline_answers: dict[str, dict] = {}
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._blocked: set[int] = set()
        self._ids = itertools.count(1)
        self._changed: asyncio.Condition | None = None
        self._closing: asyncio.Event | None = None
        self._server: tornado.httpserver.HTTPServer | None = None
        self._port: int | None = None
        self._delivery: asyncio.Task | None = None
        self._http: httpx.AsyncClient | None = None
        self._pending_handlers: set[asyncio.Task] = set()

    # ---- lifecycle -------------------------------------------------------------------------

    @property
    def root(self) -> str:
        """The server root, for `TELEGRAM_API_URL`."""
        assert self._port is not None, "start() the emulator first"
        return f"http://127.0.0.1:{self._port}"

    async def start(self) -> BotApiEmulator:
        self._changed = asyncio.Condition()
        self._closing = asyncio.Event()
        app = tornado.web.Application([(r"/bot([^/]+)/([A-Za-z]+)", _MethodHandler, {"emulator": self}),
                                       (r"/file/bot([^/]+)/(.+)", _FileHandler, {"emulator": self})],
                                      log_function=lambda handler: None)
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=60 * 1024 * 1024)
        sockets = tornado.netutil.bind_sockets(self._requested_port, "127.0.0.1")
        self._port = sockets[0].getsockname()[1]
        self._server.add_sockets(sockets)
        self._http = httpx.AsyncClient(timeout=5)
        return self

    async def stop(self) -> None:
        assert self._closing is not None and self._server is not None and self._http is not None
        self._closing.set()
        await self._notify()
        if self._delivery:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
        self._server.stop()
        # Let handlers released by `_closing` finish before the connections are torn down.
        for _ in range(50):
            if not self._pending_handlers:
                break
            await asyncio.sleep(0.01)
        await self._server.close_all_connections()
        await self._http.aclose()

    async def __aenter__(self) -> BotApiEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- the simulated user ----------------------------------------------------------------

    def private_chat(self, user: FakeUser) -> FakeChat:
        chat = FakeChat.private(user)
        self._chat(chat)
        return chat

    def group(self, chat_id: int, title: str, *, forum: bool = False) -> FakeChat:
        chat = replace(FakeChat.group(chat_id, title), is_forum=forum)
        self._chat(chat)
        return chat

    def create_topic(self, chat: FakeChat, creator: FakeUser, name: str) -> int:
        """A forum topic in a forum supergroup: its id is the id of its "topic created" service
        message, which Telegram's apps give as reply_to_message to every message in the topic."""
        assert chat.is_forum, "topics exist only in forum supergroups"
        room = self._chat(chat)
        message_id = next(room.next_message_id)
        room.messages[message_id] = {
            "message_id": message_id, "from": creator.to_api(), "chat": chat.to_api(), "date": int(time.time()),
            "message_thread_id": message_id, "is_topic_message": True,
            "forum_topic_created": {"name": name, "icon_color": 7322096},
        }
        room.topics.add(message_id)
        return message_id

    def _user_message(self, user: FakeUser, chat: FakeChat, content: dict, reply_to: dict | None,
                      topic: int | None) -> dict:
        room = self._chat(chat)
        message: dict[str, Any] = {
            "message_id": next(room.next_message_id), "from": user.to_api(), "chat": chat.to_api(),
            "date": int(time.time()), **content,
        }
        if topic is not None:
            assert topic in room.topics, f"no topic {topic} in chat {chat.id}"
            message["message_thread_id"] = topic
            message["is_topic_message"] = True
            if reply_to is None:  # what Telegram does: a message in a topic replies to its root
                reply_to = room.messages[topic]
        if reply_to is not None:
            message["reply_to_message"] = _shallow(reply_to)
        room.messages[message["message_id"]] = message
        return message

    async def send_text(self, user: FakeUser, chat: FakeChat, text: str, *, reply_to: dict | None = None,
                        topic: int | None = None) -> dict:
        """The user writes `text` in `chat` (in forum topic `topic`, replying to `reply_to`);
        commands and @mentions get their entities."""
        content: dict[str, Any] = {"text": text}
        entities = _user_entities(text)
        if entities:
            content["entities"] = entities
        message = self._user_message(user, chat, content, reply_to, topic)
        self.transcript.append(TranscriptLine(chat.id, "user", text))
        await self._push({"message": message})
        return message

    async def send_photo(self, user: FakeUser, chat: FakeChat, caption: str | None = None) -> dict:
        """The user sends a photo, with a caption or none."""
        content: dict[str, Any] = {"photo": [{"file_id": "photo-1", "file_unique_id": "p1", "width": 640,
                                              "height": 480, "file_size": 40_000}]}
        if caption:
            content["caption"] = caption
            entities = _user_entities(caption)
            if entities:
                content["caption_entities"] = entities
        message = self._user_message(user, chat, content, None, None)
        self.transcript.append(TranscriptLine(chat.id, "user", f"[photo] {caption or ''}".strip()))
        await self._push({"message": message})
        return message

    async def redeliver(self, update: dict) -> None:
        """Telegram sends an update again, same update_id (a webhook answer it did not get)."""
        self._updates.append(update)
        await self._notify()

    async def send_sticker(self, user: FakeUser, chat: FakeChat, emoji: str = "👍") -> dict:
        """The user sends a sticker: a message with no text at all."""
        room = self._chat(chat)
        message: dict[str, Any] = {
            "message_id": next(room.next_message_id), "from": user.to_api(), "chat": chat.to_api(),
            "date": int(time.time()),
            "sticker": {"file_id": "sticker-1", "file_unique_id": "s1", "type": "regular", "width": 512,
                        "height": 512, "is_animated": False, "is_video": False, "emoji": emoji},
        }
        room.messages[message["message_id"]] = message
        self.transcript.append(TranscriptLine(chat.id, "user", f"[sticker {emoji}]"))
        await self._push({"message": message})
        return message

    async def press_button(self, message: dict, callback_data: str, *, user: FakeUser | None = None) -> str:
        """The user presses the inline button carrying `callback_data` on the bot's `message`."""
        current = self.message(message["chat"]["id"], message["message_id"])
        buttons = [b for row in (current.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
        pressed = next((b for b in buttons if b.get("callback_data") == callback_data), None)
        if pressed is None:
            raise AssertionError(f"no button {callback_data!r} on message {current['message_id']}: "
                                 f"{[b.get('callback_data') for b in buttons]}")
        presser = user.to_api() if user else self._user_of_chat(current["chat"])
        query_id = str(next(self._ids) * 7919 + 10**12)
        # The message as Telegram gives it in a callback query: with the message it replies to.
        query = {"id": query_id, "from": presser, "message": _public(current),
                 "chat_instance": str(abs(hash(current["chat"]["id"])) % 10**18), "data": callback_data}
        self._callback_queries[query_id] = query
        self.transcript.append(TranscriptLine(current["chat"]["id"], "press", pressed["text"]))
        await self._push({"callback_query": query})
        return query_id

    async def inline_query(self, user: FakeUser, query: str, *, chat_type: str = "private") -> str:
        """The user types `@bot query` in some chat."""
        query_id = str(next(self._ids) * 104729 + 10**13)
        data = {"id": query_id, "from": user.to_api(), "query": query, "offset": "", "chat_type": chat_type}
        self._inline_queries[query_id] = data
        await self._push({"inline_query": data})
        return query_id

    def block(self, user: FakeUser) -> None:
        """The user blocks the bot: anything sent to them is now refused with 403."""
        self._blocked.add(user.id)

    def inject(self, method: str, kind: str, *, times: int = 1, retry_after: int = 1, status: int = 500,
               seconds: float = 10.0) -> None:
        """Make the next `times` calls of `method` fail: kind is "429", "5xx" or "hang"."""
        assert kind in ("429", "5xx", "hang"), kind
        for _ in range(times):
            self._faults[method.lower()].append(Fault(kind, retry_after, status, seconds))

    # ---- reading what the bot did ----------------------------------------------------------

    def message(self, chat_id: int, message_id: int) -> dict:
        return self._chats[chat_id].messages[message_id]

    def bot_messages(self, chat_id: int) -> list[dict]:
        """Every message the bot sent to the chat, in order, in its current (edited) state."""
        room = self._chats.get(chat_id)
        return [room.messages[m["message_id"]] for m in room.bot_messages] if room else []

    async def wait_for_messages(self, chat_id: int, n: int = 1, *, timeout: float = 5.0) -> list[dict]:
        """The next `n` messages the bot sends to the chat (not seen by an earlier call)."""
        room = self._chat_by_id(chat_id)
        await self._wait(lambda: len(room.bot_messages) - room.read >= n, timeout,
                         lambda: f"{n} message(s) in chat {chat_id}, got {len(room.bot_messages) - room.read}: "
                                 f"{[m.get('text') for m in room.bot_messages[room.read:]]}")
        batch = room.bot_messages[room.read:room.read + n]
        room.read += n
        return [room.messages[m["message_id"]] for m in batch]

    async def expect_silence(self, chat_id: int, *, seconds: float = 0.5) -> None:
        """Assert the bot sends nothing (more) to the chat for a while."""
        room = self._chat_by_id(chat_id)
        await asyncio.sleep(seconds)
        unread = [m.get("text") for m in room.bot_messages[room.read:]]
        assert not unread, f"the bot should have stayed silent in chat {chat_id}, it sent {unread}"

    async def wait_for_callback_answer(self, query_id: str, *, timeout: float = 5.0) -> dict:
        await self._wait(lambda: query_id in self._callback_answers, timeout,
                         lambda: f"an answer to callback query {query_id}")
        return self._callback_answers[query_id]

    async def wait_for_inline_answer(self, query_id: str, *, timeout: float = 5.0) -> dict:
        await self._wait(lambda: query_id in self._inline_answers, timeout,
                         lambda: f"an answer to inline query {query_id}")
        return self._inline_answers[query_id]

    async def wait_for_edit(self, chat_id: int, message_id: int, *, since: float, timeout: float = 5.0) -> dict:
        """The message once the bot has edited it after time `since`."""
        await self._wait(lambda: self.message(chat_id, message_id).get("_edited_at", 0) > since, timeout,
                         lambda: f"an edit of message {message_id} in chat {chat_id}")
        return self.message(chat_id, message_id)

    async def wait_for_call(self, method: str, *, timeout: float = 5.0,
                            where: Callable[[ApiCall], bool] = lambda call: True) -> ApiCall:
        await self._wait(lambda: any(c.method.lower() == method.lower() and where(c) for c in self.calls), timeout,
                         lambda: f"a call of {method}")
        return next(c for c in self.calls if c.method.lower() == method.lower() and where(c))

    def unanswered_callback_queries(self) -> list[str]:
        return [q for q in self._callback_queries if q not in self._callback_answers]

    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    # ---- internals -------------------------------------------------------------------------

    def _chat(self, chat: FakeChat) -> _Chat:
        return self._chats.setdefault(chat.id, _Chat(chat))

    def _chat_by_id(self, chat_id: int) -> _Chat:
        if chat_id not in self._chats:
            raise AssertionError(f"unknown chat {chat_id}")
        return self._chats[chat_id]

    def _user_of_chat(self, chat: dict) -> dict:
        user_message = next((m for m in self._chats[chat["id"]].messages.values()
                             if not m["from"].get("is_bot")), None)
        assert user_message is not None, "press_button needs user= in a chat where no user wrote"
        return user_message["from"]

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def _wait(self, predicate: Callable[[], bool], timeout: float, what: Callable[[], str]) -> None:
        assert self._changed is not None
        try:
            async with asyncio.timeout(timeout):
                async with self._changed:
                    await self._changed.wait_for(predicate)
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout}s waiting for {what()}") from None

    async def _push(self, update: dict) -> dict:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self.pushed.append(update)
        await self._notify()
        return update

    def _pending(self, offset: int, allowed: Iterable[str] | None) -> list[dict]:
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()  # confirmed by the bot
        updates = list(self._updates)
        if allowed:
            updates = [u for u in updates if any(k in u for k in allowed)]
        return updates

    async def _wait_released(self, predicate: Callable[[], bool], timeout: float, connection_closed: asyncio.Event) -> None:
        """Wait for `predicate`, the timeout, the client hanging up or the emulator closing."""
        assert self._changed is not None and self._closing is not None
        closing = self._closing
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                async with self._changed:
                    await self._changed.wait_for(lambda: predicate() or closing.is_set() or connection_closed.is_set())

    # ---- the Bot API methods ---------------------------------------------------------------

    async def call(self, method: str, params: dict, files: dict, connection_closed: asyncio.Event) -> Any:
        """Run one Bot API method; return its `result` or raise ApiError."""
        name = method.lower()
        record = ApiCall(method, params, time.monotonic())
        self.calls.append(record)
        queue = self._faults.get(name)
        if queue:
            fault = queue.popleft()
            record.fault = fault.kind
            if fault.kind == "429":
                record.status = 429
                raise ApiError(429, f"Too Many Requests: retry after {fault.retry_after}",
                               {"retry_after": fault.retry_after})
            if fault.kind == "5xx":
                record.status = fault.status
                raise ApiError(fault.status, "Internal Server Error" if fault.status == 500 else "Bad Gateway")
            # hang: the request is lost, as when Telegram never answers; nothing is done
            await self._wait_released(lambda: False, fault.seconds, connection_closed)
            record.status = 504
            raise ApiError(504, "Gateway Timeout")
        handler = getattr(self, f"_m_{name}", None)
        if handler is None:
            record.status = 404
            raise ApiError(404, "Not Found")
        try:
            result = await handler(params, files, connection_closed)
        except ApiError as exc:
            record.status = exc.status
            raise
        await self._notify()
        return result

    async def _m_getme(self, params: dict, files: dict, closed: asyncio.Event) -> dict:
        return self.bot

    async def _m_logout(self, params: dict, files: dict, closed: asyncio.Event) -> bool:
        return True

    async def _m_close(self, params: dict, files: dict, closed: asyncio.Event) -> bool:
        return True

    async def _m_getupdates(self, params: dict, files: dict, closed: asyncio.Event) -> list[dict]:
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        allowed = params.get("allowed_updates") or None
        if timeout > 0 and not self._pending(offset, allowed):
            await self._wait_released(lambda: bool(self._pending(offset, allowed)), timeout, closed)
        return self._pending(offset, allowed)[:limit]

    async def _m_setwebhook(self, params: dict, files: dict, closed: asyncio.Event) -> bool:
        url = params.get("url") or ""
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self._updates.clear()
        if not url:
            return await self._m_deletewebhook(params, files, closed)
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret}
        if self._delivery is None or self._delivery.done():
            self._delivery = asyncio.create_task(self._deliver())
        return True

    async def _m_deletewebhook(self, params: dict, files: dict, closed: asyncio.Event) -> bool:
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self._updates.clear()
        self.webhook = None
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
            self._delivery = None
        return True

    async def _m_getwebhookinfo(self, params: dict, files: dict, closed: asyncio.Event) -> dict:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    async def _deliver(self) -> None:
        """Webhook mode: POST each update, in order, until the bot's server accepts it."""
        assert self._http is not None and self._changed is not None
        while self.webhook:
            async with self._changed:
                await self._changed.wait_for(lambda: bool(self._updates) or not self.webhook)
            if not self.webhook:
                return
            update = self._updates[0]
            headers = {}
            if self.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
            try:
                response = await self._http.post(self.webhook["url"], json=update, headers=headers)
                delivered = response.status_code == 200
            except httpx.HTTPError:
                delivered = False
            if delivered:
                if self._updates and self._updates[0] is update:
                    self._updates.popleft()
            else:
                await asyncio.sleep(0.2)

    def _check_recipient(self, chat_id: Any) -> _Chat:
        try:
            chat_id = int(chat_id)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self._chats[chat_id]

    def _bot_message(self, room: _Chat, params: dict, content: dict, transcript: TranscriptLine) -> dict:
        message: dict[str, Any] = {"message_id": next(room.next_message_id), "from": dict(self.bot),
                                   "chat": room.info.to_api(), "date": int(time.time()), **content}
        reply = params.get("reply_parameters") or {}
        reply_id = reply.get("message_id") or params.get("reply_to_message_id")
        if reply_id:
            if int(reply_id) in room.messages:
                message["reply_to_message"] = _shallow(room.messages[int(reply_id)])
            elif not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
        topic = params.get("message_thread_id")
        if topic:
            if int(topic) not in room.topics:
                raise ApiError(400, "Bad Request: message thread not found")
            message["message_thread_id"] = int(topic)
            message["is_topic_message"] = True
            if "reply_to_message" not in message:
                message["reply_to_message"] = _shallow(room.messages[int(topic)])
        markup = validate_markup(params.get("reply_markup"))
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        elif markup:  # force_reply and reply keyboards act on the client, they are not part of the message
            message["_client_markup"] = markup
        room.messages[message["message_id"]] = message
        room.bot_messages.append(message)
        self.transcript.append(transcript)
        return message

    async def _m_sendmessage(self, params: dict, files: dict, closed: asyncio.Event) -> dict:
        room = self._check_recipient(params.get("chat_id"))
        text, entities = parse_text(params.get("text"), params.get("parse_mode"))
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        markup = params.get("reply_markup") or {}
        labels = tuple(b["text"] for row in markup.get("inline_keyboard", []) for b in row)
        return self._bot_message(room, params, content, TranscriptLine(room.info.id, "bot", text, labels))

    async def _m_senddocument(self, params: dict, files: dict, closed: asyncio.Event) -> dict:
        room = self._check_recipient(params.get("chat_id"))
        if "document" in files:
            file_name, mime, body = files["document"]
        elif isinstance(params.get("document"), str) and params["document"].startswith("attach://"):
            file_name, mime, body = files[params["document"][len("attach://"):]]
        elif params.get("document") in self.files:
            file_name, mime, body = self.files[params["document"]]
        else:
            raise ApiError(400, "Bad Request: there is no document in the request")
        if not body:
            raise ApiError(400, "Bad Request: file must be non-empty")
        file_id = f"BQACAgIAAx{next(self._ids):08d}"
        self.files[file_id] = (file_name, mime, body)
        content: dict[str, Any] = {"document": {"file_id": file_id, "file_unique_id": file_id[-8:],
                                                "file_name": file_name, "mime_type": mime, "file_size": len(body)}}
        if params.get("caption"):
            caption, entities = parse_text(params["caption"], params.get("parse_mode"), limit=MAX_CAPTION)
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return self._bot_message(room, params, content, TranscriptLine(room.info.id, "file", file_name))

    async def _m_sendchataction(self, params: dict, files: dict, closed: asyncio.Event) -> bool:
        self._check_recipient(params.get("chat_id"))
        return True

    def _editable(self, params: dict) -> tuple[_Chat, dict]:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not kept by this emulator")
        room = self._check_recipient(params.get("chat_id"))
        message = room.messages.get(int(params.get("message_id") or 0))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not message["from"].get("is_bot") or message["from"]["id"] != self.bot["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return room, message

    async def _m_editmessagetext(self, params: dict, files: dict, closed: asyncio.Event) -> dict:
        room, message = self._editable(params)
        text, entities = parse_text(params.get("text"), params.get("parse_mode"))
        markup = validate_markup(params.get("reply_markup"))
        if text == message.get("text") and entities == message.get("entities", []) and markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply "
                                "markup are exactly the same as a current content and reply markup of the message")
        message["text"] = text
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        message["_edited_at"] = time.monotonic()
        labels = tuple(b["text"] for row in (markup or {}).get("inline_keyboard", []) for b in row)
        self.transcript.append(TranscriptLine(room.info.id, "edit", text, labels))
        return _public(message)

    async def _m_editmessagereplymarkup(self, params: dict, files: dict, closed: asyncio.Event) -> dict:
        room, message = self._editable(params)
        markup = validate_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply "
                                "markup are exactly the same as a current content and reply markup of the message")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        message["_edited_at"] = time.monotonic()
        return _public(message)

    async def _m_answercallbackquery(self, params: dict, files: dict, closed: asyncio.Event) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._callback_queries or query_id in self._callback_answers:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self._callback_answers[query_id] = {"text": params.get("text"), "show_alert": params.get("show_alert", False)}
        if params.get("text"):
            chat_id = self._callback_queries[query_id]["message"]["chat"]["id"]
            self.transcript.append(TranscriptLine(chat_id, "toast", params["text"]))
        return True

    async def _m_answerinlinequery(self, params: dict, files: dict, closed: asyncio.Event) -> bool:
        query_id = str(params.get("inline_query_id"))
        if query_id not in self._inline_queries or query_id in self._inline_answers:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        results = params.get("results") or []
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [r.get("id", "") for r in results]
        if len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= 64 for i in ids):
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        for result in results:
            if result.get("type") == "article":
                if not result.get("title"):
                    raise ApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
                content = result.get("input_message_content") or {}
                parse_text(content.get("message_text"), content.get("parse_mode"))
            validate_markup(result.get("reply_markup"))
        self._inline_answers[query_id] = {**params, "results": results}
        return True

    async def _m_setmycommands(self, params: dict, files: dict, closed: asyncio.Event) -> bool:
        commands = params.get("commands") or []
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")) or \
                    not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        key = _scope_key(params)
        if key.startswith("chat:") and int(key[5:]) not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        self.commands[(key, params.get("language_code") or "")] = commands
        return True

    async def _m_getmycommands(self, params: dict, files: dict, closed: asyncio.Event) -> list[dict]:
        return self.commands.get((_scope_key(params), params.get("language_code") or ""), [])

    async def _m_deletemycommands(self, params: dict, files: dict, closed: asyncio.Event) -> bool:
        self.commands.pop((_scope_key(params), params.get("language_code") or ""), None)
        return True

    def commands_for(self, chat_id: int, lang: str = "") -> list[str]:
        """The command menu a user sees in chat `chat_id`: its chat scope, else the default."""
        menu = self.commands.get((f"chat:{chat_id}", lang)) or self.commands.get((f"chat:{chat_id}", "")) \
            or self.commands.get(("default", lang)) or self.commands.get(("default", ""), [])
        return [c["command"] for c in menu]


class _MethodHandler(tornado.web.RequestHandler):
    """`/bot{token}/{method}`: decode the parameters the ways Telegram accepts, run, answer JSON."""

    def initialize(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator
        self.connection_closed = asyncio.Event()

    def on_connection_close(self) -> None:
        self.connection_closed.set()

    def check_xsrf_cookie(self) -> None:  # an API, not a form
        pass

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    async def post(self, token: str, method: str) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.emulator._pending_handlers.add(task)
        try:
            await self._run(token, method)
        finally:
            self.emulator._pending_handlers.discard(task)

    async def _run(self, token: str, method: str) -> None:
        if token != self.emulator.token:
            return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        try:
            params, files = self._parameters()
            result = await self.emulator.call(method, params, files, self.connection_closed)
        except ApiError as exc:
            body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return self._reply(exc.status, body)
        self._reply(200, {"ok": True, "result": _public(result)})

    def _parameters(self) -> tuple[dict, dict]:
        request = self.request
        if request.headers.get("Content-Type", "").startswith("application/json") and request.body:
            params = json.loads(request.body)
        else:
            params = {}
            for source in (request.query_arguments, request.body_arguments):
                for key, values in source.items():
                    params[key] = values[-1].decode()
            for key in JSON_FIELDS & params.keys():
                if isinstance(params[key], str):
                    try:
                        params[key] = json.loads(params[key])
                    except json.JSONDecodeError:
                        raise ApiError(400, f"Bad Request: can't parse {key} JSON object") from None
        files = {key: (f[0]["filename"], f[0]["content_type"], f[0]["body"]) for key, f in request.files.items()}
        return params, files

    def _reply(self, status: int, body: dict) -> None:
        if self.connection_closed.is_set():
            return
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class _FileHandler(tornado.web.RequestHandler):
    """`/file/bot{token}/{path}`: download a file the bot uploaded."""

    def initialize(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator

    def get(self, token: str, path: str) -> None:
        if token != self.emulator.token or path not in self.emulator.files:
            self.set_status(404)
            self.finish()
            return
        self.set_header("Content-Type", self.emulator.files[path][1])
        self.finish(self.emulator.files[path][2])


def _scope_key(params: dict) -> str:
    """"default", or "chat:<id>" for BotCommandScopeChat (a chat must exist to get a menu)."""
    scope = params.get("scope") or {"type": "default"}
    if scope["type"] == "chat":
        return f"chat:{int(scope['chat_id'])}"
    return scope["type"]


def _public(value: Any) -> Any:
    """Drop the emulator's bookkeeping keys (leading underscore) from an API object."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_public(v) for v in value]
    return value


def _shallow(message: dict) -> dict:
    """A message as embedded in another one: without its own reply_to_message."""
    return _public({k: v for k, v in message.items() if k != "reply_to_message"})


def _user_entities(text: str) -> list[dict]:
    """Entities Telegram's apps attach: a leading /command and @mentions."""
    entities = []
    command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group())})
    for mention in re.finditer(r"(?<![\w/])@[A-Za-z0-9_]{3,32}", text):
        if command and mention.start() < command.end():
            continue
        entities.append({"type": "mention", "offset": utf16_len(text[:mention.start()]),
                         "length": utf16_len(mention.group())})
    return entities


def transcript_markdown(emulator: BotApiEmulator, chat_ids: Iterable[int] | None = None) -> str:
    """The conversation as Markdown: what the visitor wrote or pressed, what the bot sent."""
    wanted = set(chat_ids) if chat_ids is not None else None
    lines = []
    for line in emulator.transcript:
        if wanted is not None and line.chat_id not in wanted:
            continue
        quoted = "\n".join("> " + part if part else ">" for part in line.text.splitlines())
        if line.who == "user":
            lines.append(f"**Visitor:** {line.text}")
        elif line.who == "press":
            lines.append(f"*Visitor presses* `[{line.text}]`")
        elif line.who == "file":
            lines.append(f"**Bot** sends the file `{line.text}`")
        elif line.who == "toast":
            lines.append(f"*Bot shows a notification:* {line.text}")
        else:
            lines.append(("**Bot** (edits its message):" if line.who == "edit" else "**Bot:**") + "\n" + quoted)
            if line.buttons:
                lines.append("> " + " ".join(f"`[{label}]`" for label in line.buttons))
        lines.append("")
    return "\n".join(lines)
