"""Where uploads (appeal photos, implementation photos, exports) are kept, from the environment.

Without ``S3_BUCKET`` they go to ``MEDIA_ROOT`` on the local disk (one machine, the demo). With it,
to any S3-compatible object storage through django-storages — Yandex Object Storage, VK Cloud,
MinIO, Ceph — so that web nodes and workers on many machines see the same files:

``S3_BUCKET``            the bucket
``S3_ENDPOINT_URL``      the storage's address, e.g. ``https://storage.yandexcloud.net``
``S3_REGION``            e.g. ``ru-central1``
``S3_ACCESS_KEY_ID``, ``S3_SECRET_ACCESS_KEY``  the keys (or the usual AWS_* variables / roles)
``S3_CUSTOM_DOMAIN``     a CDN or public domain that serves the bucket (optional)
``S3_QUERYSTRING_AUTH``  1 (default): links are signed and expire after ``S3_URL_SECONDS`` (3600)

Uploads are private by default: photos can show people and addresses, so links are signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def default_storage(environ: Mapping[str, str]) -> dict[str, Any]:
    bucket = environ.get("S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "default_acl": None,  # the bucket's own policy (private)
        "file_overwrite": False,  # two photos named «IMG_0001.jpg» must not replace each other
        "querystring_auth": environ.get("S3_QUERYSTRING_AUTH", "1") not in {"0", "false", "no"},
        "querystring_expire": int(environ.get("S3_URL_SECONDS", "3600")),
    }
    for name, option in (
        ("S3_ENDPOINT_URL", "endpoint_url"),
        ("S3_REGION", "region_name"),
        ("S3_ACCESS_KEY_ID", "access_key"),
        ("S3_SECRET_ACCESS_KEY", "secret_key"),
        ("S3_CUSTOM_DOMAIN", "custom_domain"),
    ):
        if environ.get(name):
            options[option] = environ[name]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
