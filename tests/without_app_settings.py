"""The site's settings without the app named in ``WITHOUT_APP`` (for ``tests/test_removable_apps.py``)."""

import os

from config.settings import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != os.environ["WITHOUT_APP"]]  # noqa: F405
