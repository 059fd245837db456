"""Direct psycopg connections to the test database, beside Django's own (tests marked postgres)."""

import psycopg
from django.db import connection


def connect(**overrides) -> psycopg.Connection:
    """A new autocommit connection to the test database, as Django's user unless ``overrides``
    name another (``user``, ``password``)."""
    database = connection.settings_dict
    params = {
        "host": database["HOST"] or "127.0.0.1",
        "port": database["PORT"] or 5432,
        "dbname": database["NAME"],
        "user": database["USER"],
        "password": database["PASSWORD"],
        "autocommit": True,
    }
    return psycopg.connect(**{**params, **overrides})
