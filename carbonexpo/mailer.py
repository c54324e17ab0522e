"""Mailing each exhibitor its secret link (`invite --smtp`): the addresses of booths.csv's
`contact_email` column, one message per exhibitor in the event's language, sent over one SMTP
connection. A message that cannot be delivered is reported with its link, never lost: the link
is shown once (only its hash is stored)."""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from carbonexpo.config import EventConfig
from carbonexpo.errors import ArgumentError, InputError, said_problem
from carbonexpo.words import said, say

EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # plain, starttls or tls
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


def smtp_server(url: str, password: str | None = None) -> SmtpServer:
    """smtp://host[:port] (no encryption: a local relay), smtp+starttls://user@host[:587],
    smtps://user@host[:465]. The password comes from the URL or `password` (an environment
    variable, so that it is not in the shell's history)."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ArgumentError(
            "smtp",
            f"{url!r}: write smtp://HOST[:PORT], smtp+starttls://USER@HOST[:587] or "
            "smtps://USER@HOST[:465]",
        )
    security, default_port = SCHEMES[parts.scheme]
    query = parse_qs(parts.query)
    timeout = float(query.get("timeout", ["30"])[0])
    return SmtpServer(
        parts.hostname,
        parts.port or default_port,
        security,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else password,
        timeout,
    )


def addresses(text: str) -> list[str]:
    return [a.strip() for a in re.split(r"[,;]", text) if a.strip()]


@dataclass
class Recipients:
    """Per exhibitor (as booths.csv names it), the addresses its rows give; who has none."""

    to: dict[str, list[str]] = field(default_factory=dict)
    without: list[str] = field(default_factory=list)


def recipients(folder: Path, exhibitors: Sequence[str]) -> Recipients:
    """The contact addresses of booths.csv by exhibitor; a malformed address is refused with
    its row and column."""
    import pandas as pd

    from carbonexpo.identifiers import name_key

    frame = pd.read_csv(folder / "booths.csv", dtype=str, keep_default_na=False)
    if "contact_email" not in frame:
        frame["contact_email"] = ""
    problems = []
    found: dict[str, list[str]] = {}
    for row, (name, text) in enumerate(
        zip(frame["exhibitor"], frame["contact_email"], strict=True), start=2
    ):
        for address in addresses(text):
            if not EMAIL.match(address):
                problems.append(
                    said_problem(
                        "booths.csv",
                        row,
                        "contact_email",
                        said("detail.not_email", address=address),
                        "bad_email",
                    )
                )
                continue
            mine = found.setdefault(name_key(name), [])
            if address not in mine:
                mine.append(address)
    if problems:
        raise InputError(problems)
    out = Recipients()
    for name in exhibitors:
        if found.get(name_key(name)):
            out.to[name] = found[name_key(name)]
        else:
            out.without.append(name)
    return out


def invitation(
    *, sender: str, to: Sequence[str], event: str, exhibitor: str, url: str, lang: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(formataddr(("", a)) for a in to)
    message["Subject"] = say("ui.mail_subject", lang, event=event)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> "))
    message.set_content(say("ui.mail_body", lang, event=event, exhibitor=exhibitor, url=url))
    return message


@dataclass
class Delivery:
    sent: list[tuple[str, list[str]]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # exhibitor, why


def connect(server: SmtpServer) -> smtplib.SMTP:
    """An open, logged-in connection; ArgumentError when the server cannot be reached or
    refuses the login (checked before any link is made)."""
    try:
        if server.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout,
                context=ssl.create_default_context(),
            )  # fmt: skip
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        if server.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if server.user:
            client.login(server.user, server.password or "")
    except (OSError, smtplib.SMTPException) as exc:
        raise ArgumentError(
            "smtp", f"{server.host}:{server.port}: cannot send mail there ({exc})"
        ) from None
    return client


def send(client: smtplib.SMTP, messages: Iterable[tuple[str, EmailMessage]]) -> Delivery:
    """Send each (exhibitor, message) over the open connection; a refused message is recorded
    and the rest go on."""
    out = Delivery()
    for exhibitor, message in messages:
        try:
            refused = client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            out.failed.append((exhibitor, str(exc)))
            continue
        accepted = [a for a in addresses(message["To"]) if a not in refused]
        if accepted:
            out.sent.append((exhibitor, accepted))
        else:
            out.failed.append((exhibitor, f"every address refused: {refused}"))
    return out


@dataclass(frozen=True)
class MailedInvites:
    """What `mail_invites` did: the exhibitors mailed (with the addresses that took the
    message), the links not mailed and why (no contact_email, refused) — shown so that they
    can be sent another way — and the staff link. A dry run fills `would_mail` only."""

    mailed: list[tuple[str, list[str]]]
    not_mailed: list[tuple[str | None, str, str]]  # (exhibitor or None for staff, url, why)
    kept: int
    would_mail: list[tuple[str, list[str]]]
    dry_run: bool


def invite_by_mail(
    folder: Path,
    config: EventConfig,
    *,
    smtp: str,
    sender: str,
    base_url: str = "",
    renew: bool = False,
    lang: str | None = None,
    dry_run: bool = False,
    password: str | None = None,
) -> MailedInvites:
    """api.mail_invites: the server reached and logged into before any link is made."""
    from carbonexpo.access import booth_exhibitors, invite_exhibitors

    server = smtp_server(smtp, password)
    if not EMAIL.match(sender.rsplit("<", 1)[-1].rstrip(">").strip()):
        raise ArgumentError("sender", f"{sender!r} is not an e-mail address")
    names = booth_exhibitors(folder)
    found = recipients(folder, names)
    language = lang or ("zh" if config.venue.country == "CN" else "en")
    if dry_run:
        return MailedInvites([], [], 0, list(found.to.items()), True)
    client = connect(server)  # before any link: a dead server costs no link
    try:
        links, kept = invite_exhibitors(folder, renew=renew)
    except BaseException:
        client.close()
        raise
    base = base_url.rstrip("/")
    url_of = {link.access.exhibitor: base + link.path() for link in links}
    messages = [
        (
            who,
            invitation(
                sender=sender, to=found.to[who], event=config.name, exhibitor=who,
                url=url_of[who], lang=language,
            ),
        )
        for who in url_of
        if who is not None and who in found.to
    ]  # fmt: skip
    with client:
        delivery = send(client, messages)
    not_mailed: list[tuple[str | None, str, str]] = [
        (who, url, "no contact_email in booths.csv")
        for who, url in url_of.items()
        if who is not None and who not in found.to
    ]
    not_mailed += [(who, url_of[who], why) for who, why in delivery.failed]
    if None in url_of:
        not_mailed.insert(0, (None, url_of[None], "the staff link is not mailed"))
    return MailedInvites(delivery.sent, not_mailed, kept, [], False)
