import xml.etree.ElementTree as ET


def test_services_are_the_categories(client, categories, validate) -> None:
    body = client.get("/open311/v2/services.json").json()
    validate("services.json", body)
    codes = {s["service_code"] for s in body}
    assert {"building", "tickets", "urgent", "staff"} <= codes
    assert all(isinstance(s["service_code"], str) and s["metadata"] is True for s in body)
    root = ET.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and root.find("service/service_code").text


def test_an_unknown_jurisdiction_is_404_in_the_spec_format(client, categories) -> None:
    response = client.get("/open311/v2/services.json?jurisdiction_id=elsewhere.org")
    assert response.status_code == 404
    assert (
        response.json()[0]["code"] == 404 and "elsewhere.org" in response.json()[0]["description"]
    )
    assert client.get("/open311/v2/services.json?jurisdiction_id=vmeste.local").status_code == 200
    assert (
        client.get("/open311/v2/services.json?jurisdiction_id=").status_code == 200
    )  # empty = absent
