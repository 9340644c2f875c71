def test_tokens_resolve_idempotency_keys(client, file_appeal, people) -> None:
    from vmeste.appeals import services

    appeal = file_appeal(idempotency_key="open311:abc123")
    services.appeal_moderate(actor=people.moderator, appeal=appeal, decision="register")
    body = client.get("/open311/v2/tokens/abc123.json").json()
    assert body == [{"service_request_id": appeal.number, "token": "abc123"}]
    assert client.get("/open311/v2/tokens/unknown.json").status_code == 404
