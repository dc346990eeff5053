"""Sessions in the database, opened only by keys of the shape Django makes.

A session cookie is whatever a client sends. Django's own check (any 8 characters or
more) lets a key holding a NUL byte reach the query, and PostgreSQL refuses NUL in text:
every page failed for that visitor. A key Django could not have made is no session.
"""

import re

from django.contrib.sessions.backends import db

# Django makes keys of 32 characters from lowercase ASCII letters and digits
# (django.contrib.sessions.backends.base.VALID_KEY_CHARS); some room is left above.
SESSION_KEY = re.compile(r"[a-z0-9]{32,64}")


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key):
        return isinstance(key, str) and SESSION_KEY.fullmatch(key) is not None
