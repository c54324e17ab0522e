"""`invite --smtp`: every exhibitor gets its own link by mail, through a real SMTP server the
test starts on a free loopback port (aiosmtpd)."""

from __future__ import annotations

import email
import re
import shutil
from email import policy
from pathlib import Path

import pandas as pd
import pytest

from carbonexpo import api
from tests.conftest import EXAMPLE, run_cli
from tests.web_server import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()


def with_contacts(tmp_path: Path, missing: int = 0) -> Path:
    folder = tmp_path / "event"
    shutil.copytree(EXAMPLE, folder)
    booths = pd.read_csv(folder / "booths.csv", dtype=str, keep_default_na=False)
    number = booths["exhibitor"].str.extract(r"(\d+)$")[0]
    booths["contact_email"] = "expo" + number + "@exhibitor.example"
    booths.loc[booths.index[:missing], "contact_email"] = ""
    booths.to_csv(folder / "booths.csv", index=False)
    return folder


def test_620_exhibitors_get_their_own_link_by_mail(tmp_path, smtp) -> None:
    url, inbox = smtp
    folder = with_contacts(tmp_path)
    r = run_cli(
        "invite", str(folder), "--smtp", url, "--from", "expo@organiser.example",
        "--base-url", "https://expo.example.org",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "620 mail(s) sent" in r.stderr
    assert r.stdout.splitlines()[0].startswith("staff\thttps://expo.example.org/staff/")
    assert len(inbox.messages) == 620
    booths = pd.read_csv(folder / "booths.csv", dtype=str)
    address_of = dict(zip(booths["exhibitor"], booths["contact_email"], strict=False))
    seen = set()
    for rcpt, message in inbox.messages:
        body = message.get_content()
        exhibitor = re.search(r"^(.*)：\n", body, re.M).group(1)  # an event in China: Chinese
        assert rcpt == [address_of[exhibitor]]
        link = re.search(r"https://expo\.example\.org(/e/[\w-]+)", body).group(1)
        found = api.find_access(folder, link.removeprefix("/e/"))
        assert found is not None and found.exhibitor == exhibitor  # the link opens their page
        assert "第二届中国国际供应链促进博览会" in message["Subject"]
        seen.add(exhibitor)
    assert len(seen) == 620


def test_without_an_address_the_link_is_shown_not_lost(tmp_path, smtp) -> None:
    url, inbox = smtp
    folder = with_contacts(tmp_path, missing=3)
    done = api.mail_invites(folder, smtp=url, sender="expo@organiser.example", lang="en")
    assert len(done.mailed) == 620 - 3 and len(inbox.messages) == 620 - 3
    unmailed = [(who, why) for who, _, why in done.not_mailed]
    assert unmailed[0] == (None, "the staff link is not mailed")
    assert [why for _, why in unmailed[1:]] == ["no contact_email in booths.csv"] * 3
    assert "Dear" in inbox.messages[0][1].get_content()


def test_a_dry_run_sends_nothing_and_makes_no_link(tmp_path, smtp) -> None:
    url, inbox = smtp
    folder = with_contacts(tmp_path)
    r = run_cli("invite", str(folder), "--smtp", url, "--from", "x@o.example", "--dry-run")
    assert r.returncode == 0 and "620 mail(s) would be sent" in r.stderr
    assert inbox.messages == [] and not (folder / ".carbonexpo" / "access.json").exists()


def test_a_bad_address_or_server_is_refused_before_any_link(tmp_path) -> None:
    folder = with_contacts(tmp_path)
    booths = (folder / "booths.csv").read_text(encoding="utf-8").splitlines()
    booths[5] = booths[5].rsplit(",", 1)[0] + ",not-an-address"
    (folder / "booths.csv").write_text("\n".join(booths) + "\n", encoding="utf-8")
    r = run_cli("invite", str(folder), "--smtp", "smtp://127.0.0.1:9", "--from", "x@o.example")
    assert r.returncode == 2
    assert "booths.csv:6:contact_email: 'not-an-address' is not an e-mail address" in r.stderr
    assert not (folder / ".carbonexpo" / "access.json").exists()
    folder = with_contacts(tmp_path / "2")
    port = free_port()  # nothing listens there
    r = run_cli(
        "invite", str(folder), "--smtp", f"smtp://127.0.0.1:{port}", "--from", "x@o.example"
    )
    assert r.returncode == 2 and r.stderr.startswith("--smtp: 127.0.0.1:")
    assert not (folder / ".carbonexpo" / "access.json").exists()  # no link made, none lost
    r = run_cli("invite", str(folder), "--smtp", "http://x", "--from", "x@o.example")
    assert r.returncode == 2 and "--smtp: 'http://x'" in r.stderr


def test_invite_without_booths_is_bad_input(tmp_path) -> None:
    folder = tmp_path / "e"
    folder.mkdir()
    shutil.copy(EXAMPLE / "event.yaml", folder)
    r = run_cli("invite", str(folder))
    assert r.returncode == 2 and "invite needs booths.csv" in r.stderr
