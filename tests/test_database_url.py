"""SQLite keeps its connections between requests like PostgreSQL (opening one costs more than a page's queries)."""

from config.env import database_from_url


def test_sqlite_connections_persist_unless_the_url_says_otherwise():
    assert database_from_url("sqlite:///x.db")["CONN_MAX_AGE"] == 60
    off = database_from_url("sqlite:///x.db?conn_max_age=0")
    assert off["CONN_MAX_AGE"] == 0 and off["NAME"] == "x.db"
    assert database_from_url("postgres://u@h/n")["CONN_MAX_AGE"] == 60
