"""Uploads go to S3-compatible object storage when S3_BUCKET is set, to the local disk otherwise."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string

from vmeste.config.storage import default_storage


def test_without_a_bucket_uploads_stay_on_the_disk() -> None:
    config = default_storage({})
    assert import_string(config["BACKEND"]) is FileSystemStorage


def test_a_bucket_gives_private_object_storage_with_signed_links() -> None:
    config = default_storage(
        {
            "S3_BUCKET": "vmeste-media",
            "S3_ENDPOINT_URL": "https://storage.yandexcloud.net",
            "S3_REGION": "ru-central1",
            "S3_ACCESS_KEY_ID": "key",
            "S3_SECRET_ACCESS_KEY": "secret",
            "S3_URL_SECONDS": "600",
        }
    )
    storage = import_string(config["BACKEND"])(**config["OPTIONS"])
    # Signing is local: nothing leaves the machine.
    url = urlsplit(storage.url("appeals/2026/photo.jpg"))
    assert url.netloc == "storage.yandexcloud.net"
    assert url.path == "/vmeste-media/appeals/2026/photo.jpg"
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == ["600"] and "X-Amz-Signature" in query
    assert storage.file_overwrite is False and storage.default_acl is None


def test_a_public_domain_serves_unsigned_links_when_asked() -> None:
    config = default_storage(
        {"S3_BUCKET": "b", "S3_CUSTOM_DOMAIN": "media.example.ru", "S3_QUERYSTRING_AUTH": "0"}
    )
    storage = import_string(config["BACKEND"])(**config["OPTIONS"])
    assert storage.url("x/y.jpg") == "https://media.example.ru/x/y.jpg"
