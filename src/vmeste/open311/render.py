"""Open311 responses in both formats: JSON (the «Spark convention») and XML with the spec's wrappers."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse, JsonResponse

# The XML element that wraps each item of a list, by its parent's name.
ITEM = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def _xml_value(parent: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            child = ET.SubElement(parent, key)
            _xml_value(child, inner)
    elif isinstance(value, list):
        for item in value:
            child = ET.SubElement(parent, ITEM.get(parent.tag, "item"))
            _xml_value(child, item)
    elif value is None:
        return
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    else:
        parent.text = str(value)


def respond(data: Any, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    """``data`` is the JSON shape: a list for services, requests and errors, an object otherwise."""
    if fmt == "json":
        return JsonResponse(
            data, safe=False, status=status, json_dumps_params={"ensure_ascii": False}
        )
    element = ET.Element(root)
    _xml_value(element, data)
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        element, encoding="utf-8", xml_declaration=False
    )
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    return respond(
        [{"code": status, "description": d} for d in descriptions],
        fmt,
        root="errors",
        status=status,
    )
