"""Every string a person reads exists in French, English and Spanish."""

import os
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from organisations.choices import Role
from tests.auth import login

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ["fr_CA", "es_419"]


@pytest.mark.parametrize("locale", TRANSLATED)
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_entry_is_translated_and_compiled(locale, domain):
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"
    if domain == "djangojs" and not po_path.exists():
        return
    po = polib.pofile(str(po_path))
    assert len(po) > 0
    missing = [entry.msgid for entry in po if not entry.obsolete and (not entry.translated() or entry.fuzzy)]
    assert missing == [], f"{locale}: untranslated or fuzzy: {missing[:10]}"
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    expected = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in po.translated_entries()}
    actual = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in compiled if entry.msgid}
    assert actual == expected, f"{po_path.with_suffix('.mo')} is out of date: run make messages"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr-ca", "Répertoire"), ("en-ca", "Directory"), ("es-419", "Directorio")],
)
def test_the_directory_page_in_each_language(client, network, language, expected):
    login(client, network.a[Role.WORKER])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("directory"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert expected in html


@pytest.mark.parametrize(
    ("accept_language", "field_message", "detail"),
    [
        ("fr-CA", "Ce champ est obligatoire.", "Certains champs ne sont pas valides."),
        ("en", "This field is required.", "Some fields are not valid."),
        ("es-MX", "Este campo es requerido.", "Algunos campos no son válidos."),
    ],
)
def test_an_api_error_in_each_language(api, network, accept_language, field_message, detail):
    api.force_authenticate(network.a[Role.ADMIN])
    response = api.post(reverse("service-list"), {}, format="json", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == detail
    assert body["fields"]["name_fr"] == [field_message]


def test_the_user_preference_wins_over_the_browser_until_the_switcher_is_used(client, network):
    user = network.a[Role.WORKER]
    user.preferred_language = "es-419"
    user.save()
    login(client, user)
    html = client.get(reverse("directory"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="es-419"' in html
    client.post(reverse("language-switch"), {"language": "en-ca", "next": "/directory/"})
    user.refresh_from_db()
    assert user.preferred_language == "en-ca"
    assert 'lang="en-ca"' in client.get(reverse("directory")).content.decode()


def test_the_switcher_does_not_redirect_off_site(client, network):
    login(client, network.a[Role.WORKER])
    response = client.post(reverse("language-switch"), {"language": "fr-ca", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_quebec_french_times_read_13_h_40():
    from datetime import datetime

    from django.utils import formats, translation

    with translation.override("fr-ca"):
        assert formats.time_format(datetime(2026, 11, 28, 13, 40)) == "13\xa0h\xa040"
        assert (
            formats.date_format(datetime(2026, 11, 28, 13, 40), "DATETIME_FORMAT") == "28 novembre 2026, 13\xa0h\xa040"
        )


def test_every_source_string_is_in_the_catalogues(tmp_path):
    """Extract the strings again, in a copy of the tree, and compare with the committed catalogue:
    a new string nobody ran ``make messages`` for fails here (needs GNU gettext's xgettext)."""
    import shutil
    import subprocess
    import sys

    if not shutil.which("xgettext"):
        pytest.skip("needs GNU gettext (apt-get install gettext)")
    copy = tmp_path / "tree"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "locale", "*.pyc", "__pycache__", ".ruff_cache"),
    )
    (copy / "locale" / "fr_CA" / "LC_MESSAGES").mkdir(parents=True)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr_CA",
            "--ignore=bench",
            "--ignore=tests",
            "--ignore=var",
            "--ignore=.venv",
        ],
        cwd=copy,
        env={**os.environ, "PASSERELLE_VAR_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    extracted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/fr_CA/LC_MESSAGES/django.po"))}
    committed = {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(LOCALE_DIR / "fr_CA/LC_MESSAGES/django.po")) if not e.obsolete
    }
    missing = sorted(msgid for _context, msgid in extracted - committed)
    assert missing == [], f"run make messages and translate: {missing[:10]}"
