import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run_manage(*args, **env):
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=120
    )


def test_production_without_secret_key_refuses_to_start():
    result = _run_manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-secret-key-with-enough-entropy-9f8e7d6c5b4a",
        ALLOWED_HOSTS="filing.example.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sqlite_url_is_relative_or_absolute():
    assert database_from_url("sqlite:////var/db/filing.sqlite3")["NAME"] == "/var/db/filing.sqlite3"
    assert database_from_url("sqlite:///filing.sqlite3")["NAME"] == "filing.sqlite3"
    assert "journal_mode=WAL" in database_from_url("sqlite:///x.db")["OPTIONS"]["init_command"]


def test_postgres_url_is_parsed():
    db = database_from_url("postgres://filing:s%40cret@db.internal:5433/filing")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "filing",
        "s@cret",
        "db.internal",
        "5433",
        "filing",
    )


def test_unknown_database_scheme_is_a_clear_error():
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        database_from_url("mysql://x/y")


def test_bad_boolean_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")


def test_time_and_language_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "en" in dict(settings.LANGUAGES)
    assert "guardian.backends.ObjectPermissionBackend" in settings.AUTHENTICATION_BACKENDS


def test_the_env_file_fills_in_what_the_environment_does_not_say(tmp_path, monkeypatch):
    from config.env import load_env_file

    path = tmp_path / ".env"
    path.write_text("# development\nDEBUG=1\nFILING_TEST_ONLY='from file'\n\nNO_EQUALS_SIGN\n", encoding="utf-8")
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.delenv("FILING_TEST_ONLY", raising=False)
    load_env_file(path)
    assert os.environ["DEBUG"] == "0"  # the real environment wins
    assert os.environ["FILING_TEST_ONLY"] == "from file"
    load_env_file(tmp_path / "missing")  # no file: nothing happens


def test_manage_py_commands_work_after_make_run_wrote_its_env_file(tmp_path):
    """`make run` writes .env with DEBUG=1; a command run by hand afterwards finds it (no SECRET_KEY error)."""
    env_file = os.path.join(ROOT, ".env")
    existed = os.path.exists(env_file)
    if not existed:
        with open(env_file, "w", encoding="utf-8") as handle:
            handle.write("DEBUG=1\n")
    try:
        result = _run_manage("check")
    finally:
        if not existed:
            os.remove(env_file)
    assert result.returncode == 0, result.stderr
