"""The cached OAuth token: in the user's config folder, readable by the user alone, refreshed
or replaced by the installed-app flow; no network in these tests."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from google.auth import exceptions
from google.oauth2 import credentials as oauth2

from castline.youtube import auth

#: The library's classes, untyped in part: used through ``Any``.
Credentials: Any = oauth2.Credentials
RefreshError: Any = exceptions.RefreshError


def token_json(*, expired: bool = False) -> str:
    expiry = dt.datetime(2000, 1, 1) if expired else dt.datetime(2999, 1, 1)
    credentials = Credentials(
        token="access-token",
        refresh_token="refresh-token",
        token_uri="https://oauth2.googleapis.com/token",
        client_id="client.apps.googleusercontent.com",
        client_secret="secret",
        scopes=list(auth.SCOPES),
        expiry=expiry,
    )
    return str(credentials.to_json())


def test_the_token_lives_in_the_users_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert auth.token_path() == tmp_path / "config" / "castline" / "youtube-token.json"


def test_the_token_file_is_0600_in_a_0700_folder(tmp_path: Path) -> None:
    path = tmp_path / "config" / "castline" / auth.TOKEN_FILE
    auth.save_token(path, token_json())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert json.loads(path.read_text())["refresh_token"] == "refresh-token"
    assert [p.name for p in path.parent.iterdir()] == [auth.TOKEN_FILE]


def test_a_valid_cached_token_is_used_without_any_call(
    tmp_path: Path, no_network: list[object]
) -> None:
    path = tmp_path / auth.TOKEN_FILE
    auth.save_token(path, token_json())
    credentials = auth.credentials(None, path)
    assert credentials.token == "access-token" and credentials.valid
    assert no_network == []


def test_without_a_token_or_client_secrets_it_says_how_to_authorise(tmp_path: Path) -> None:
    with pytest.raises(auth.AuthorisationError) as raised:
        auth.credentials(None, tmp_path / auth.TOKEN_FILE)
    assert str(raised.value) == (
        "no valid authorisation: run with --client-secrets FILE (the OAuth client of a "
        "Desktop app, see the README) to authorise castline once"
    )


def test_a_revoked_token_runs_the_flow_again_and_saves_the_new_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "castline" / auth.TOKEN_FILE
    auth.save_token(path, token_json(expired=True))

    def revoked(self: Any, request: Any) -> None:
        raise RefreshError("invalid_grant: Token has been expired or revoked.")

    flows: list[tuple[str, dict[str, Any]]] = []

    def run_local_server(self: Any, **kwargs: Any) -> Any:
        flows.append((self.client_config["client_id"], kwargs))
        return Credentials.from_authorized_user_info(json.loads(token_json()))

    monkeypatch.setattr(Credentials, "refresh", revoked)
    monkeypatch.setattr(
        "google_auth_oauthlib.flow.InstalledAppFlow.run_local_server", run_local_server
    )
    secrets = tmp_path / "client_secret.json"
    secrets.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": "desktop.apps.googleusercontent.com",
                    "client_secret": "s",
                    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                    "token_uri": "https://oauth2.googleapis.com/token",
                    "redirect_uris": ["http://localhost"],
                }
            }
        )
    )
    credentials = auth.credentials(secrets, path)
    assert credentials.valid
    assert flows == [
        (
            "desktop.apps.googleusercontent.com",
            {"host": "localhost", "port": 0, "open_browser": True},
        )
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["expiry"].startswith("2999")


def test_a_file_that_is_not_client_secrets_is_named(tmp_path: Path) -> None:
    secrets = tmp_path / "notes.json"
    secrets.write_text("{}")
    with pytest.raises(auth.AuthorisationError) as raised:
        auth.credentials(secrets, tmp_path / auth.TOKEN_FILE)
    assert str(raised.value).startswith(f"{secrets}: not the client secrets of an OAuth client (")
