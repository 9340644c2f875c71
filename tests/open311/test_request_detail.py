def test_one_request(client, public_appeals, validate) -> None:
    first, _second = public_appeals
    body = client.get(f"/open311/v2/requests/{first.number}.json").json()
    validate("requests.json", body)
    assert len(body) == 1 and body[0]["service_request_id"] == first.number
    assert client.get("/open311/v2/requests/2099-000001.json").status_code == 404


def test_a_submitted_appeal_is_not_served(client, file_appeal) -> None:
    appeal = file_appeal()
    assert client.get(f"/open311/v2/requests/{appeal.number}.xml").status_code == 404
