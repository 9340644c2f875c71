"""Every page that accepts a POST gets junk from every kind of person: never a server error.

The URL list comes from the access matrix (so a new page is fuzzed without anybody remembering),
the field names from the forms the page renders plus the usual suspects; values are NUL bytes, huge
strings, invalid Unicode, negative and huge numbers, far dates and unknown ids. The autouse guard
in ``tests/conftest.py`` fails the test on any 5xx.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access import test_matrix
from tests.access.test_matrix import RULES

world = test_matrix.world  # the same objects the access matrix visits

FIELDS = [
    "text",
    "title",
    "reason",
    "comment",
    "decision",
    "category",
    "institution",
    "district",
    "organization",
    "number",
    "days",
    "rating",
    "kind",
    "planned_on",
    "latitude",
    "longitude",
    "address",
    "consent",
    "parent",
    "appeal-text",
    "appeal-category",
    "attach-number",
    "answer-text",
    "dismiss-reason",
    "dismiss-comment",
]
junk = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=5000, max_size=6000),
    st.sampled_from(
        [
            "\x00",
            "-1",
            "99999999999999999999999",
            "0",
            "1e309",
            "NaN",
            "1900-01-01",
            "9999-12-31",
            "2026-02-30",
            "\ud800",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "on",
        ]
    ),
)
form = st.dictionaries(st.sampled_from(FIELDS), junk, max_size=6)


def _post_pages(objects: dict[str, str]) -> list[str]:
    urls = []
    for name, (kwargs, expected) in sorted(RULES.items()):
        if 405 in expected.values() or name.startswith(("signals:", "appeals_staff:", "ideas:")):
            if name.startswith("signal_hooks:"):
                continue  # fuzzed by tests/signals/test_properties.py with real payload shapes
            urls.append(reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()}))
    return urls


@pytest.mark.parametrize("who", ["alice", "operator", "admin"])
def test_junk_posts_never_break_a_page(who, client, people, world) -> None:
    client.force_login(getattr(people, who))
    urls = _post_pages(world)
    assert len(urls) > 20

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=form)
    def check(data: dict[str, str]) -> None:
        for url in urls:
            clean = {k: re.sub("[\ud800-\udfff]", "\ufffd", v) for k, v in data.items()}
            response = client.post(url, clean)
            assert response.status_code < 500, url

    check()
