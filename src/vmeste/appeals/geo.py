"""Which district a point lies in, from the districts' GeoJSON boundaries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from vmeste.organizations.models import District


def _rings(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    kind = geometry.get("type")
    if kind == "Feature":
        return _rings(geometry.get("geometry") or {})
    if kind == "FeatureCollection":
        return [p for feature in geometry.get("features", []) for p in _rings(feature)]
    if kind == "Polygon":
        return [geometry.get("coordinates", [])]
    if kind == "MultiPolygon":
        return list(geometry.get("coordinates", []))
    return []


def _inside(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    for i in range(len(ring)):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[i - 1][0], ring[i - 1][1]
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def point_in_geometry(lon: float, lat: float, geometry: dict[str, Any]) -> bool:
    for polygon in _rings(geometry):
        if (
            polygon
            and _inside(lon, lat, polygon[0])
            and not any(_inside(lon, lat, hole) for hole in polygon[1:])
        ):
            return True
    return False


def district_for_point(latitude: Decimal | float, longitude: Decimal | float) -> District | None:
    lat, lon = float(latitude), float(longitude)
    for district in District.objects.exclude(boundary__isnull=True).order_by("id"):
        if district.boundary and point_in_geometry(lon, lat, district.boundary):
            return district
    return None
