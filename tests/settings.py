"""Test settings: the real settings with tasks run inline and a fast password hasher."""

from vmeste.config.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# The test suite checks every response for server errors (tests/conftest.py).
MIDDLEWARE = ["tests.guards.ServerErrorRecorder", *MIDDLEWARE]  # noqa: F405
API_RATE_PER_IP = "1000000/m"
API_RATE_PER_CALLER = "1000000/m"
# Replies to the networks never leave the machine in tests: nothing listens on port 9.
VMESTE_VK_API_BASE = "http://127.0.0.1:9/vk"
VMESTE_TELEGRAM_API_BASE = "http://127.0.0.1:9/telegram"
VMESTE_DELIVERY_TIMEOUT = 2.0
VMESTE_MODEL_DIR = VAR_DIR / "test-models"  # noqa: F405
# The proof-of-work on sign-up and password reset is off; tests/reliability/test_pow.py turns it on.
VMESTE_POW = False
