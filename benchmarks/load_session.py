"""One leader's browser tab as Streamlit's websocket protocol sees it, for ``load_cluster.py``.

A :class:`Session` does what the browser does, without a browser: it fetches a page first (which gives it nginx's
affinity cookie and Streamlit's XSRF cookie, as the browser's first GET does), opens ``/_stcore/stream`` with those
cookies and keeps it open; every interaction is one ``BackMsg.rerun_script`` and is timed until the run's
``script_finished``. Opening a page is a rerun naming the page (as a click in the navigation); changing a widget is a
rerun carrying the widget states, with the changed select box or radio set to another of its options. The widget ids
and options are read from the ``ForwardMsg`` deltas of the page's last run, so the client follows the app as it is;
a widget drawn inside an ``st.fragment`` is changed as the browser does it, by a rerun of that fragment only (the
``fragment_id`` its delta carried), and the rest of the page stays as the last full run drew it.
An upload is ``st.file_uploader``'s own exchange: a ``file_urls_request`` on the websocket, the file ``PUT`` to the
URL the session answers with (through the same proxy, with the session's cookies and XSRF header), then a rerun with
the uploader's state.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid
from dataclasses import dataclass, field

from load import rerun_message
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

CHOICES = ("selectbox", "radio")  # the widgets a leader changes; their options come as text in the delta
KEPT = ("lang_choice",)  # keys of widgets left alone: a leader picks the language once, not between clicks
REPLICA_HEADER = "X-Cockpit-Replica"  # set by deploy/cluster.py's nginx: which replica answered


@dataclass
class Run:
    """What one script run showed: the first error, the choice widgets drawn (with the fragment each is in), the
    upload widget, the kinds of element drawn and the fragment each was in, the raw deltas."""

    error: str | None = None
    choices: dict[str, tuple[list[str], bool]] = field(default_factory=dict)  # id -> (options, disabled)
    fragment_of: dict[str, str] = field(default_factory=dict)  # widget id -> its fragment's id ("" outside any)
    values: dict[str, str | None] = field(default_factory=dict)  # widget id -> the option it shows
    uploader: str | None = None
    drawn: list[tuple[str, str]] = field(default_factory=list)  # (element type, fragment id) in order
    query: str | None = None  # the URL's query as the run last wrote it (None: not written)
    text: bytes = b""


async def read_run(ws, timeout: float) -> Run:
    """Read ForwardMsgs until the run finishes (a run cut short for a rerun goes on to the next)."""
    run = Run()
    chunks = []
    async with asyncio.timeout(timeout):
        async for raw in ws:
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    run = Run()  # the next run draws the page again
                    chunks = []
                    continue
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    run.error = run.error or "compile error"
                run.text = b"".join(chunks)
                return run
            if kind == "page_not_found":
                run.error = run.error or "page not found"
            if kind == "page_info_changed":
                run.query = msg.page_info_changed.query_string
            if kind != "delta" or msg.delta.WhichOneof("type") != "new_element":
                continue
            element = msg.delta.new_element
            chunks.append(raw)
            which = element.WhichOneof("type")
            run.drawn.append((which, msg.delta.fragment_id))
            if which == "exception":
                run.error = run.error or element.exception.message or element.exception.type or "exception"
            elif which in CHOICES:
                widget = getattr(element, which)
                run.choices[widget.id] = (list(widget.options), widget.disabled)
                run.fragment_of[widget.id] = msg.delta.fragment_id
                run.values[widget.id] = shown_value(widget)
            elif which == "file_uploader":
                run.uploader = element.file_uploader.id
    raise ConnectionError("connection closed before the script finished")


def shown_value(widget) -> str | None:
    """The option a select box or radio shows: the value set from the session, else its default."""
    if widget.HasField("raw_value"):
        return widget.raw_value
    if widget.HasField("default") and 0 <= widget.default < len(widget.options):
        return widget.options[widget.default]
    return None


def cookies_of(url: str, cookie: str = "", headers: dict[str, str] | None = None) -> tuple[str, str | None]:
    """GET ``url`` as a browser's first request: the cookies it set joined to ``cookie``, and the replica header."""
    request = urllib.request.Request(url, headers={**(headers or {}), **({"Cookie": cookie} if cookie else {})})
    with urllib.request.urlopen(request, timeout=30) as resp:
        jar = dict(c.split(";", 1)[0].strip().split("=", 1) for c in resp.headers.get_all("Set-Cookie") or [])
        replica = resp.headers.get(REPLICA_HEADER)
    kept = dict(c.strip().split("=", 1) for c in cookie.split(";") if "=" in c)
    return "; ".join(f"{k}={v}" for k, v in {**kept, **jar}.items()), replica


class Session:
    """One tab: a websocket kept open; pages opened and widgets changed, each interaction timed."""

    def __init__(self, port: int, timeout: float, cookie: str = "", headers: dict[str, str] | None = None):
        """`headers` go with every request (e.g. a signing-in proxy's user header)."""
        self.base, self.timeout, self.cookie, self.headers = f"127.0.0.1:{port}", timeout, cookie, headers or {}
        self.ws = None
        self.replica: str | None = None
        self.page: str | None = None
        self.last = Run()  # the last run, full or of one fragment
        self.page_run = Run()  # the page as the browser shows it: the last full run, with fragment reruns merged in
        self.states: dict[str, WidgetState] = {}  # what the tab has set on the current page

    async def open(self) -> None:
        health = f"http://{self.base}/_stcore/health"
        self.cookie, _ = await asyncio.to_thread(cookies_of, health, self.cookie, self.headers)
        self.ws = await connect(
            f"ws://{self.base}/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={**self.headers, "Cookie": self.cookie},
            max_size=None,
            open_timeout=self.timeout,
        )
        self.replica = self.ws.response.headers.get(REPLICA_HEADER)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def _rerun(self, msg: BackMsg) -> float:
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        self.last = await read_run(self.ws, self.timeout)
        elapsed = time.perf_counter() - start
        if self.last.error:
            raise RuntimeError(f"{self.page}: {self.last.error}"[:200])
        self._merge(self.last, msg.rerun_script.fragment_id)
        return elapsed

    def _merge(self, run: Run, fragment: str) -> None:
        """What the page shows after `run`: all of it after a full run; after a fragment's rerun, the widgets of that
        fragment (and of the fragments drawn inside it) replaced, the others kept."""
        if not fragment:
            if run.query is None:
                run.query = self.page_run.query
            self.page_run = run
            return
        redrawn = {fragment} | {f for _, f in run.drawn}
        kept = {w: c for w, c in self.page_run.choices.items() if self.page_run.fragment_of.get(w) not in redrawn}
        query = run.query if run.query is not None else self.page_run.query
        merged = Run(choices={**kept, **run.choices}, uploader=self.page_run.uploader, query=query, text=run.text)
        merged.fragment_of = {w: self.page_run.fragment_of.get(w, "") for w in kept} | run.fragment_of
        merged.values = {w: self.page_run.values.get(w) for w in kept} | run.values
        self.page_run = merged

    async def open_page(self, page: str, query: str = "") -> float:
        """A click on the page in the navigation (or a link to it with `query`, ``tab=ranking``): seconds from the
        request to the finished run."""
        msg = BackMsg()
        msg.ParseFromString(rerun_message(page))
        msg.rerun_script.query_string = query
        self.page, self.states, self.page_run = page, {}, Run()
        return await self._rerun(msg)

    def widget_id(self, key: str) -> str:
        """The id of the widget the page drew with `key` (Streamlit ends a keyed widget's id with its key)."""
        (found,) = [w for w in self.page_run.choices if w.endswith(f"-{key}")]
        return found

    def changeable(self) -> list[str]:
        choices = self.page_run.choices.items()
        return [w for w, (options, off) in choices if len(options) > 1 and not off and not w.endswith(KEPT)]

    async def change(self, widget_id: str, rng, *, whole: bool = False) -> float:
        """Another option of a select box or radio, sent with every state the tab has set on this page; a widget in
        a fragment reruns that fragment only, as in the browser (`whole`: the whole page instead, for comparison)."""
        options = self.page_run.choices[widget_id][0]
        current = self.page_run.values.get(widget_id)
        state = WidgetState(id=widget_id, string_value=rng.choice([o for o in options if o != current]))
        self.states[widget_id] = state
        fragment = "" if whole else self.page_run.fragment_of.get(widget_id, "")
        return await self._rerun(self._with_states(fragment))

    def _with_states(self, fragment: str = "") -> BackMsg:
        msg = BackMsg()
        msg.ParseFromString(rerun_message(self.page))
        drawn = {*self.page_run.choices, self.page_run.uploader}
        self.states = {wid: s for wid, s in self.states.items() if wid in drawn}  # a widget the run dropped
        msg.rerun_script.widget_states.widgets.extend(self.states.values())
        msg.rerun_script.fragment_id = fragment
        return msg

    async def upload(self, name: str, body: bytes, marker: bytes) -> float:
        """Upload a file with the current page's ``st.file_uploader`` (seconds from the request for upload URLs to
        the finished run that read it); raises unless the run shows ``marker``."""
        if self.page_run.uploader is None:
            raise RuntimeError(f"{self.page}: no file uploader drawn")
        start, request_id = time.perf_counter(), uuid.uuid4().hex
        msg = BackMsg()
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.file_names.append(name)
        await self.ws.send(msg.SerializeToString())
        async with asyncio.timeout(self.timeout):
            async for raw in self.ws:
                reply = ForwardMsg()
                reply.ParseFromString(raw)
                if reply.WhichOneof("type") == "file_urls_response":
                    break
        urls = reply.file_urls_response.file_urls[0]
        await asyncio.to_thread(self._put, urls.upload_url, name, body)
        state = WidgetState(id=self.page_run.uploader)
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.file_id, info.name, info.size = urls.file_id, name, len(body)
        info.file_urls.CopyFrom(urls)
        self.states[self.page_run.uploader] = state
        await self._rerun(self._with_states())
        if marker not in self.last.text:
            raise RuntimeError(f"{self.page}: the run after the upload does not show the file was read")
        return time.perf_counter() - start

    def _put(self, path: str, name: str, body: bytes) -> None:
        boundary = uuid.uuid4().hex
        form = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="UploadedFile"; filename="{name}"\r\n'
                f"Content-Type: text/csv\r\n\r\n"
            ).encode()
            + body
            + f"\r\n--{boundary}--\r\n".encode()
        )
        xsrf = dict(c.strip().split("=", 1) for c in self.cookie.split(";") if "=" in c).get("_streamlit_xsrf", "")
        headers = {
            "Cookie": self.cookie,
            "X-Xsrftoken": xsrf,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        }
        url = path if path.startswith("http") else f"http://{self.base}{path}"
        request = urllib.request.Request(url, data=form, method="PUT", headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as resp:
            if resp.status != 204:
                raise RuntimeError(f"upload answered {resp.status}")
