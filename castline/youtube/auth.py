"""Authorisation: the OAuth 2.0 installed-app flow, and the token cached between pushes.

The user creates an OAuth client of type "Desktop app" in Google Cloud and downloads its
client secrets (README, "YouTube"). The first push runs the flow of google-auth-oauthlib
(https://googleapis.dev/python/google-auth-oauthlib/latest/reference/google_auth_oauthlib.flow.html):
the browser asks the channel's owner, and a local server on ``localhost`` receives the answer
(https://developers.google.com/identity/protocols/oauth2/native-app). The token, with its
refresh token, is kept in the user's config folder (platformdirs), in a file only the user
can read (0600) in a folder only the user can open (0700): never in the content folder or the
output folder, never printed. Later pushes refresh it; a refresh token that was revoked or
expired asks for the flow again.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

#: The OAuth scope the captions calls need (https://developers.google.com/youtube/v3/guides/auth).
SCOPES = ("https://www.googleapis.com/auth/youtube.force-ssl",)
#: The token file's name in the user's config folder.
TOKEN_FILE = "youtube-token.json"
#: The application's name for platformdirs.
APP_NAME = "castline"


class AuthorisationError(Exception):
    """No usable authorisation, and no way to get one without the user."""


def token_path() -> Path:
    """Where the token is cached: ``<user config folder>/castline/youtube-token.json``."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / TOKEN_FILE


def credentials(client_secrets: Path | None, token: Path, *, reauthorise: bool = False) -> Any:
    """Credentials for the YouTube Data API: the cached token (refreshed when expired), else
    the installed-app flow with ``client_secrets``; a new token is saved to ``token``.

    Raises:
        AuthorisationError: the flow is needed and no client secrets file was given, or the
            file is not an OAuth client's.
    """
    from google.auth.exceptions import RefreshError
    from google.auth.transport.requests import Request

    cached = None if reauthorise else _cached(token)
    if cached is not None and cached.valid:
        return cached
    if cached is not None and cached.expired and cached.refresh_token:
        try:
            cached.refresh(Request())
        except RefreshError:
            cached = None
        else:
            save_token(token, cached.to_json())
            return cached
    if client_secrets is None:
        raise AuthorisationError(
            "no valid authorisation: run with --client-secrets FILE (the OAuth client of a "
            "Desktop app, see the README) to authorise castline once"
        )
    fresh = _run_flow(client_secrets)
    save_token(token, fresh.to_json())
    return fresh


def _cached(token: Path) -> Any:
    """The credentials in the token file, or ``None`` when it is missing or unreadable."""
    from google.oauth2.credentials import Credentials

    try:
        from_file: Any = Credentials.from_authorized_user_file  # untyped in the library
        return from_file(str(token), list(SCOPES))
    except (OSError, ValueError):
        return None


def _run_flow(client_secrets: Path) -> Any:
    """The installed-app flow: a browser window, a local server on a free port."""
    from google_auth_oauthlib.flow import InstalledAppFlow

    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(client_secrets), list(SCOPES))
    except (OSError, ValueError) as error:
        raise AuthorisationError(
            f"{client_secrets}: not the client secrets of an OAuth client ({error})"
        ) from None
    return flow.run_local_server(host="localhost", port=0, open_browser=True)


def save_token(path: Path, token_json: str) -> None:
    """Write the token where only the user can read it: created 0600 under a temporary name
    in a 0700 folder, then renamed over ``path`` (readers see the old token or the new)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    json.loads(token_json)  # never write something that is not the library's JSON
    temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(token_json)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
