import xml.etree.ElementTree as ET


def test_the_definition_lists_the_extra_fields(client, categories, region, validate) -> None:
    categories.building.requires_institution = True
    categories.building.save()
    body = client.get("/open311/v2/services/building.json").json()
    validate("service-definition.json", body)
    institution = next(a for a in body["attributes"] if a["code"] == "institution")
    assert institution["required"] is True and institution["datatype"] == "singlevaluelist"
    assert {"key": str(region.museum.pk), "name": "Краеведческий музей"} in institution["values"]
    root = ET.fromstring(client.get("/open311/v2/services/building.xml").content)
    assert (
        root.tag == "service_definition"
        and root.find("attributes/attribute/values/value/key") is not None
    )


def test_an_unknown_service_is_404(client, categories) -> None:
    response = client.get("/open311/v2/services/nope.xml")
    assert response.status_code == 404 and b"<errors><error><code>404</code>" in response.content
