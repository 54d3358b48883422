import os

# Tests run with the development settings; production checks are exercised explicitly.
os.environ.setdefault("DEBUG", "1")
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from
# the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
