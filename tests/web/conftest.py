"""Shared fixtures for the web tests: one app per test session (the app loads its data once)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tariffline.web.app import create_app


@pytest.fixture(scope="session")
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c
