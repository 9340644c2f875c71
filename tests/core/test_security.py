import subprocess
import sys

import pytest


@pytest.mark.django_db
def test_security_headers_on_every_page(client) -> None:
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy
        and "frame-ancestors 'none'" in policy
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_deploy_check_is_clean_with_production_settings(tmp_path) -> None:
    env = {
        "VMESTE_PRODUCTION": "1",
        "SECRET_KEY": "x" * 64 + "production-secret-for-the-check",
        "ALLOWED_HOSTS": "vmeste.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "vmeste.config.settings",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "vmeste", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
