"""`serve` behind an HTTPS reverse proxy (docs/deploy.md): a real uvicorn server given the
proxy's path prefix and its address; the proxy's X-Forwarded-Proto is believed from it only."""

from __future__ import annotations

import re
import shutil

import httpx2 as httpx
import pytest

from carbonexpo import api
from carbonexpo.web.app import create_app
from tests.conftest import EXAMPLE
from tests.web_server import running

A = "CN Supply Chain Co. 001"


@pytest.fixture(scope="module")
def event(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deploy") / "event"
    shutil.copytree(EXAMPLE, folder)
    made, _ = api.invite(folder)
    return folder, {("staff" if role == "staff" else who): url for role, who, url in made}


def test_behind_a_proxy_links_carry_the_prefix_and_cookies_are_secure(event) -> None:
    folder, links = event
    with running(create_app(folder, lang="en"), root_path="/expo",
                 forwarded_allow_ips="127.0.0.1") as url:  # fmt: skip
        # the proxy strips /expo and says the visitor came over https
        r = httpx.get(url + links[A], headers={"x-forwarded-proto": "https"})
        assert r.status_code == 200
        assert (
            'href="/expo/static/web.css"' in r.text and 'src="/expo/static/exhibitor.js"' in r.text
        )
        assert all("Secure" in c for c in r.headers.get_list("set-cookie"))
        assert "max-age=" in r.headers["strict-transport-security"]
        staff = httpx.get(url + links["staff"], headers={"x-forwarded-proto": "https"}).text
        downloads = re.findall(r'href="([^"]*report-zh\.pdf)"', staff)
        assert downloads and downloads[0].startswith("/expo/staff/")
        home = httpx.get(url + "/", headers={"x-forwarded-proto": "https"})
        assert home.headers["location"] == "/expo/verify"
        verify = httpx.get(url + "/verify")
        assert 'action="/expo/verify"' in verify.text


def test_a_forwarded_header_from_anyone_else_is_not_believed(event) -> None:
    folder, links = event
    with running(create_app(folder, lang="en")) as url:  # no proxy named
        r = httpx.get(url + links[A], headers={"x-forwarded-proto": "https"})
        assert r.status_code == 200
        assert not any("Secure" in c for c in r.headers.get_list("set-cookie"))
        assert "strict-transport-security" not in r.headers
