"""Text from outside shown as text: never Markdown, never HTML, never an image or a link.

Streamlit renders Markdown in `st.markdown`, `st.caption`, `st.info/warning/error/success`, `st.write` of a string,
widget labels, `help=` tooltips, expander and tab labels and `st.table` cells; a Markdown image makes every
visitor's browser fetch its address. Anything that came from a URL, a file, a stored object or a user (a search
query, a scenario name, a target label, a note, an upload's message quoting a cell, a sheet name) goes through
`inert()` before it is put into such an element:

    st.info(t("indicators.no_match", query=inert(query)))
    st.error(inert(err.message(lang)))        # a whole message when the library quotes outside text in it

Plotly reads a small HTML subset in titles, legend entries and hover labels (``<a href>`` among them): outside text
put there goes through `inert_html()`.

`inert` backslash-escapes every ASCII punctuation character (CommonMark lets each be escaped, and an escaped
character is always literal text), so the result renders exactly as the text reads; line breaks become spaces so
no block (heading, list, quote, table) can start. GitHub's autolink extension works on the text after escapes are
resolved, so a bare ``http://…``, ``www.…`` or ``name@host`` would still become a link: an invisible word joiner
(U+2060) after ``:`` of ``://``, after ``www`` and after ``@`` keeps it text. Dataframe cells, `st.text` and
`st.code` need none of this.
"""

from __future__ import annotations

import html
import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
JOINER = "\u2060"
_AUTOLINKS = re.compile(r"(:)(?=//)|(www)(?=\.)|(@)", re.IGNORECASE)


def inert(text: object) -> str:
    """`text` as a Markdown source that renders as exactly that text (no markup, link, image, HTML or math)."""
    unlinked = _AUTOLINKS.sub(lambda m: m.group(0) + JOINER, _BREAKS.sub(" ", str(text)))
    return _PUNCTUATION.sub(r"\\\1", unlinked)


def inert_html(text: object) -> str:
    """`text` for a Plotly label: its HTML subset escaped (a name like ``<a href=…>`` is shown, not followed)."""
    return html.escape(str(text), quote=False)
