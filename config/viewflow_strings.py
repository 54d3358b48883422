"""viewflow's own strings that our screens show; viewflow ships an empty zh_Hans catalogue,
so they are listed here for makemessages and translated in our locale/ (LOCALE_PATHS wins)."""

from django.utils.translation import gettext_noop

VIEWFLOW_STRINGS = [
    gettext_noop("Applications"),
    gettext_noop("Back"),
    gettext_noop("Log out"),
    gettext_noop("Profile"),
    gettext_noop("Login"),
    gettext_noop("Log in"),
]
