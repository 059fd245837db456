"""Settings: production passes Django's deployment checklist; the embedded default needs nothing."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


def run_manage(*args, **environment):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    env.update(environment)
    return subprocess.run([*MANAGE, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        HTTPS="true",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="passerelle.example.org",
        DATABASE_URL="postgres://passerelle@db.example.org/passerelle",
        REDIS_URL="redis://redis.example.org:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_embedded_default_uses_sqlite_and_the_in_memory_layer(tmp_path):
    script = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['OPTIONS']['transaction_mode'],"
        " s.CHANNEL_LAYERS['default']['BACKEND'], s.WORKER_IN_PROCESS, s.DEBUG)"
    )
    result = run_manage("shell", "-c", script, PASSERELLE_VAR_DIR=str(tmp_path))
    assert result.stdout.splitlines()[-1].split() == [
        "django.db.backends.sqlite3",
        "IMMEDIATE",
        "channels.layers.InMemoryChannelLayer",
        "True",
        "False",
    ], result.stderr


def test_database_and_redis_urls_switch_to_postgres_and_channels_redis(tmp_path):
    script = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
        " s.CHANNEL_LAYERS['default']['CONFIG']['hosts'][0]['socket_timeout'], s.WORKER_IN_PROCESS)"
    )
    result = run_manage(
        "shell",
        "-c",
        script,
        PASSERELLE_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://passerelle@db.example.org/passerelle",
        REDIS_URL="redis://redis.example.org:6379/0",
    )
    assert result.stdout.splitlines()[-1].split() == [
        "django.db.backends.postgresql",
        "channels_redis.core.RedisChannelLayer",
        "None",
        "False",
    ], result.stderr
