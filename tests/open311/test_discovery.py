import xml.etree.ElementTree as ET


def test_discovery_in_both_formats(client, db) -> None:
    body = client.get("/open311/v2/discovery.json").json()
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(body["endpoints"][0]["formats"]) == {"text/xml", "application/json"}
    assert body["endpoints"][0]["url"].endswith("/open311/v2/")
    response = client.get("/open311/v2/discovery.xml")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/formats/format") is not None
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
