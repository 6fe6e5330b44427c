"""The bot's HTTP client for the Bot API: python-telegram-bot's request interface on aiohttp.

python-telegram-bot sends every call through a `BaseRequest`; its own, on httpx, was half of a
reply's CPU in benchmarks/bench_bot.py (httpx and httpcore's per-request bookkeeping), and the
same echo bot on aiohttp needs about half the CPU per message. The library documents this
interface for other clients; its contributed aiohttp one (ptbcontrib) is not published as a
package, hence this adapter: timeouts, keep-alive, form and file encoding, and the library's
error types, nothing else.
"""
from __future__ import annotations

import asyncio
import urllib.request
from urllib.parse import urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """A pool of `pool_size` keep-alive connections; the timeouts of python-telegram-bot's own
    client (`read` also bounds a long poll beyond its own timeout, which the library adds)."""

    def __init__(self, *, pool_size: int = 8, read_timeout: float | None = 5.0, write_timeout: float | None = 5.0,
                 connect_timeout: float | None = 5.0, pool_timeout: float | None = 1.0,
                 media_write_timeout: float | None = 20.0, keepalive_seconds: float = 60.0) -> None:
        self._pool_size, self._keepalive = pool_size, keepalive_seconds
        self._read, self._write, self._connect, self._pool = read_timeout, write_timeout, connect_timeout, pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}  # by origin

    @property
    def read_timeout(self) -> float | None:
        return self._read

    def _open(self) -> aiohttp.ClientSession:
        """Made inside the running event loop (aiohttp binds a session to it)."""
        connector = aiohttp.TCPConnector(limit=self._pool_size, keepalive_timeout=self._keepalive)
        # The Bot API sets no cookies; a dummy jar skips parsing for them on every response.
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                     headers={"User-Agent": self.USER_AGENT})

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for this URL (HTTPS_PROXY, NO_PROXY...), as httpx honours
        them; looked up once per origin, not per request as aiohttp's `trust_env` does (that, with
        its .netrc lookup, tripled the CPU of a call)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._proxies:
            bypass = parts.hostname is not None and urllib.request.proxy_bypass(parts.hostname)
            self._proxies[origin] = None if bypass else urllib.request.getproxies().get(parts.scheme)
        return self._proxies[origin]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = self._open()

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _timeout(self, read: object, write: object, connect: object, pool: object, *, files: bool) -> aiohttp.ClientTimeout:
        """aiohttp's timeouts from the library's four: `connect` covers waiting for a pooled
        connection and opening one; a socket write has no timeout of its own in aiohttp, so an
        upload's writing and reading are bounded together."""
        def value(given: object, default: float | None) -> float | None:
            return default if isinstance(given, DefaultValue) else given  # type: ignore[return-value]

        read_s = value(read, self._read)
        write_s = value(write, self._media_write if files else self._write)
        connect_s, pool_s = value(connect, self._connect), value(pool, self._pool)
        acquire = None if connect_s is None or pool_s is None else connect_s + pool_s
        total = write_s + read_s if files and write_s is not None and read_s is not None else None
        return aiohttp.ClientTimeout(total=total, connect=acquire, sock_connect=connect_s, sock_read=read_s)

    @staticmethod
    def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
        """Form fields (JSON-encoded values, as the library sends them), multipart with files."""
        if request_data is None:
            return None
        if not request_data.contains_files:
            return request_data.json_parameters
        form = aiohttp.FormData(request_data.json_parameters)
        for name, (file_name, content, mime_type) in request_data.multipart_data.items():
            form.add_field(name, content, filename=file_name, content_type=mime_type)
        return form

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = BaseRequest.DEFAULT_NONE, write_timeout: object = BaseRequest.DEFAULT_NONE,
                         connect_timeout: object = BaseRequest.DEFAULT_NONE,
                         pool_timeout: object = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            await self.initialize()
        assert self._session is not None
        files = request_data is not None and request_data.contains_files
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout, files=files)
        try:
            async with self._session.request(method, url, data=self._body(request_data), timeout=timeout,
                                             proxy=self._proxy(url)) as response:
                return response.status, await response.read()
        except (asyncio.TimeoutError, TimeoutError) as exc:
            raise TimedOut(f"Timed out: {exc.__class__.__name__}") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc
