"""XML and JSON bodies of the Open311 GeoReport v2 API.

The two formats carry the same data (the spec's "Spark convention"): the XML document has a
root element and, for every list, a wrapping element holding one element per item with the
singular name (``<services><service>…``); the JSON document is the root's content alone, so a
list is a bare array and a service definition a bare object. No namespace, UTF-8, and the XML
declaration first, as the spec asks.

Values: ``None`` is an empty element in XML and ``null`` in JSON; booleans are ``true`` /
``false``; identifiers are passed as strings by the callers, so both formats show them as
strings. The XML writer is hand-rolled: it is several times faster than ElementTree for the
1,000-request lists (see bench/README.md), and it only ever writes the element names below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

# The element name of one item of each list element.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_request_updates": "request_update",
    "notes": "note",
}

XML_CONTENT_TYPE = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
# Characters XML 1.0 cannot carry at all (C0 controls other than tab, newline, return).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def xml_text(value: Any) -> str:
    """The escaped text of one element's value."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    text = value if isinstance(value, str) else str(value)
    text = text.translate(_ESCAPES)
    if _INVALID_XML.search(text):
        text = _INVALID_XML.sub("", text)
    return text


def _write(out: list[str], name: str, value: Any) -> None:
    if value is None or value == "":
        out.append(f"<{name}/>")
    elif isinstance(value, Mapping):
        out.append(f"<{name}>")
        for key, item in value.items():
            _write(out, key, item)
        out.append(f"</{name}>")
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES[name]
        out.append(f"<{name}>")
        for item in value:
            _write(out, item_name, item)
        out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{xml_text(value)}</{name}>")


def to_xml(root: str, content: Mapping[str, Any] | Sequence[Any]) -> bytes:
    """The XML document ``<root>`` holding ``content`` (a list, or a mapping of fields)."""
    out = [_DECLARATION]
    _write(out, root, list(content) if isinstance(content, tuple) else content)
    return "".join(out).encode("utf-8")


def request_list_xml(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The fast path for ``<service_requests>``: flat rows of scalar values only."""
    out = [_DECLARATION, "<service_requests>"]
    append = out.append
    for row in rows:
        append("<request>")
        for key, value in row.items():
            if value is None or value == "":
                append(f"<{key}/>")
            else:
                append(f"<{key}>{xml_text(value)}</{key}>")
        append("</request>")
    append("</service_requests>")
    return "".join(out).encode("utf-8")


def to_json(content: Any) -> bytes:
    return orjson.dumps(content)
