"""The Bot API's HTTP client (bot/bot_api_http.py) under python-telegram-bot's own `Bot`.

Against the emulator for what Telegram answers (messages, files, long polls), and against a bare
local socket server for what only the network does: a port nobody listens on, a server that
never answers, connections kept alive or not.
"""
from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from bot.bot_api_http import AiohttpRequest
from botapi_emulator import BotApiEmulator, FakeUser

ANNE = FakeUser(7, "Anne", "en")
TOKEN = "123456:TEST-TOKEN"


def bot_for(root: str, **options: float) -> Bot:
    return Bot(TOKEN, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot",
               request=AiohttpRequest(**options), get_updates_request=AiohttpRequest(pool_size=1, **options))


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as server:
        yield server


class RawServer:
    """HTTP/1.1 on 127.0.0.1 answering every request with `{"ok": true, "result": true}`, or
    never (`hang`); counts the connections it accepted."""

    def __init__(self, *, hang: bool = False) -> None:
        self.hang, self.connections = hang, 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        body = b'{"ok": true, "result": true}'
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                await reader.readexactly(length)
                if self.hang:
                    await asyncio.sleep(3600)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            writer.close()


async def test_messages_buttons_and_long_polls_go_through(emu: BotApiEmulator) -> None:
    chat = emu.private_chat(ANNE)
    async with bot_for(emu.root, read_timeout=2) as bot:
        assert bot.username == "biovaliance_test_bot"
        await emu.send_text(ANNE, chat, "hello")
        [update] = await bot.get_updates(timeout=0)
        assert update.message.text == "hello"
        sent = await bot.send_message(chat.id, "<b>Bonjour</b> &amp; welcome", parse_mode="HTML")
        assert sent.text == "Bonjour & welcome" and sent.entities[0].type == "bold"
        started = time.monotonic()
        # A long poll longer than the read timeout: the library adds its timeout to the read timeout.
        assert await bot.get_updates(offset=update.update_id + 1, timeout=3) == ()
        assert 2.9 <= time.monotonic() - started < 4.5


@pytest.mark.parametrize("as_handle", [False, True], ids=["bytes", "file handle"])
async def test_a_file_upload_keeps_its_name_type_and_bytes(emu: BotApiEmulator, as_handle: bool) -> None:
    chat = emu.private_chat(ANNE)
    content = "BEGIN:VCALENDAR\r\nSUMMARY:Réunion\r\nEND:VCALENDAR\r\n".encode()
    document = (InputFile(io.BytesIO(content), filename="event.ics", read_file_handle=False) if as_handle
                else InputFile(content, filename="event.ics"))
    async with bot_for(emu.root) as bot:
        sent = await bot.send_document(chat.id, document, caption="<i>added</i>", parse_mode="HTML")
    name, mime, body = emu.files[sent.document.file_id]
    assert (name, mime, body) == ("event.ics", "text/calendar", content)
    assert sent.caption == "added"


async def test_a_port_nobody_listens_on_is_a_network_error() -> None:
    async with RawServer() as root:  # a port that was just free
        pass
    bot = bot_for(root, connect_timeout=2)
    with pytest.raises(NetworkError) as raised:
        await bot.initialize()  # getMe
    assert not isinstance(raised.value, TimedOut)
    await bot.shutdown()


async def test_a_server_that_never_answers_times_out() -> None:
    async with RawServer(hang=True) as root:
        bot = bot_for(root, read_timeout=0.5)
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.initialize()  # getMe
        assert time.monotonic() - started < 2.0
        await bot.shutdown()


async def test_connections_are_kept_alive_and_pooled() -> None:
    server = RawServer()
    async with server as root:
        request = AiohttpRequest(pool_size=2)
        bot = Bot(TOKEN, base_url=f"{root}/bot", request=request, get_updates_request=AiohttpRequest(pool_size=1))
        await request.initialize()
        for _ in range(5):  # one after another: one connection, kept open
            assert await bot.delete_webhook()
        assert server.connections == 1
        assert all(await asyncio.gather(*(bot.delete_webhook() for _ in range(10))))
        assert server.connections == 2  # ten at once share the pool's two connections
        await request.shutdown()


async def test_a_full_pool_times_out_instead_of_opening_more_connections() -> None:
    server = RawServer(hang=True)
    async with server as root:
        request = AiohttpRequest(pool_size=1, read_timeout=5, pool_timeout=0.3, connect_timeout=0.3)
        bot = Bot(TOKEN, base_url=f"{root}/bot", request=request, get_updates_request=AiohttpRequest(pool_size=1))
        first = asyncio.ensure_future(bot.delete_webhook())
        await asyncio.sleep(0.2)
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.delete_webhook()  # waits for the one connection, which the first call holds
        assert time.monotonic() - started < 2.0
        assert server.connections == 1
        first.cancel()
        await request.shutdown()


async def test_shut_down_then_started_again(emu: BotApiEmulator) -> None:
    """python-telegram-bot may initialise a bot again after shutting it down (a restart)."""
    bot = bot_for(emu.root)
    for _ in range(2):
        async with bot:
            assert (await bot.get_me()).username == "biovaliance_test_bot"


async def test_the_proxy_named_by_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """As with the library's own client: HTTP(S)_PROXY is honoured (here a plain HTTP proxy, the
    raw server, in front of a port where nothing listens), and NO_PROXY too."""
    async with RawServer() as nowhere:
        pass
    proxy = RawServer()
    async with proxy as proxy_root:
        monkeypatch.setenv("http_proxy", proxy_root)
        monkeypatch.delenv("no_proxy", raising=False)
        request = AiohttpRequest()
        bot = Bot(TOKEN, base_url=f"{nowhere}/bot", request=request, get_updates_request=AiohttpRequest())
        assert await bot.delete_webhook()
        assert proxy.connections == 1
        await request.shutdown()
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        request = AiohttpRequest()
        bot = Bot(TOKEN, base_url=f"{nowhere}/bot", request=request, get_updates_request=AiohttpRequest())
        with pytest.raises(NetworkError):
            await bot.delete_webhook()
        await request.shutdown()
