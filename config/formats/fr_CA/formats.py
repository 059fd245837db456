"""Québec French date and time formats. Django 5.2's own fr_CA file leaves the "h" of "13 h 40"
unescaped, so the hour is printed twice ("13 13 40"); these escape it."""

from django.conf.locale.fr_CA.formats import *  # noqa: F403 - everything else as Django has it

TIME_FORMAT = "H\xa0\\h\xa0i"
DATETIME_FORMAT = "j F Y, H\xa0\\h\xa0i"
SHORT_DATETIME_FORMAT = "Y-m-d H\xa0\\h\xa0i"
