def test_the_list_page_filters_by_type_and_district(client, region) -> None:
    page = client.get("/organizations/?type=theatre").content.decode()
    assert "Драматический театр" in page
    assert "Краеведческий музей" not in page
    district = region.museum.district_id
    page = client.get(f"/organizations/?district={district}").content.decode()
    assert "Краеведческий музей" in page and "Драматический театр" not in page


def test_an_htmx_request_gets_only_the_results(client, region) -> None:
    response = client.get("/organizations/?q=театр", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Драматический театр" in body
    assert "<html" not in body


def test_bad_filter_values_show_the_list_not_an_error(client, region) -> None:
    response = client.get("/organizations/?district=abc&type=castle&page=zzz")
    assert response.status_code == 200
    assert "Краеведческий музей" in response.content.decode()


def test_the_detail_page_shows_the_card(client, region) -> None:
    region.museum.opening_hours = "Вт–Вс 10:00–18:00"
    region.museum.phone = "+7 (4932) 41-12-01"
    region.museum.save()
    page = client.get(region.museum.get_absolute_url()).content.decode()
    assert "Вт–Вс 10:00–18:00" in page
    assert "tel:+7(4932)41-12-01" in page
    assert "Министерство культуры" in page


def test_an_unknown_organization_is_a_friendly_404(client, region) -> None:
    response = client.get("/organizations/no-such-place/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_the_home_page_lists_the_institutions(client, region) -> None:
    page = client.get("/").content.decode()
    assert "Краеведческий музей" in page and "Драматический театр" in page
    assert 'lang="ru"' in page
