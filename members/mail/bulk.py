"""Newsletter wire messages built once per language, then stamped per recipient.

A newsletter is the same email for every subscriber but for four things: the To address, the
Message-ID, the unsubscribe link and the consent day in the footer. Rendering templates and
serializing MIME for each of thousands of recipients costs far more than sending, so a batch
renders each language once with placeholders, serializes it with 8-bit bodies (which keep the
placeholders intact, unlike base64 or quoted-printable), and swaps the placeholders in the bytes.

The result is a plain multipart/alternative message (text, HTML) as Django would build it. Where
the fast form cannot be used safely (a body line longer than SMTP allows, a non-ASCII address),
`build()` returns None and the caller builds that message the ordinary way.
"""

import secrets
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

# Letters only: no template filter, HTML escaping or header encoding changes them.
SLOT_TO = "ITPROSIGSLOTTOADDRESSX"
SLOT_MESSAGE_ID = "ITPROSIGSLOTMESSAGEIDX"
SLOT_UNSUBSCRIBE = "ITPROSIGSLOTUNSUBSCRIBEX"
SLOT_CONSENT = "ITPROSIGSLOTCONSENTDATEX"
# Stands for the signed unsubscribe token while the unsubscribe URL is reversed once per language.
SLOT_SIGNED = "ITPROSIGSLOTSIGNEDX"

# RFC 5322: at most 998 octets a line, CRLF excluded. Bodies are wrapped well below it.
MAX_LINE = 998
WRAP_AT = 900


def _wrap(line):
    """Break a line longer than WRAP_AT at spaces (a Markdown paragraph is one long line).

    In HTML a line break between words renders as the space it replaces; in plain text it only
    ends a very long line early. A line with no space to break at stays, and makes the template
    unusable (the slow path then encodes it).
    """
    pieces = []
    while len(line.encode("utf-8")) > WRAP_AT:
        cut = line.rfind(" ", 0, WRAP_AT // 2)
        if cut <= 0:
            break
        pieces.append(line[:cut])
        line = line[cut + 1 :]
    pieces.append(line)
    return pieces


def _crlf(text):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\r\n".join(piece for line in lines for piece in _wrap(line))


def _header_value(value):
    """Return a header value in ASCII: RFC 2047 encoded words where it is not ASCII already."""
    if value.isascii():
        return value
    return Header(value, "utf-8").encode(linesep="\r\n")


def _address(value):
    name, address = parseaddr(value)
    if not address.isascii():
        raise ValueError(address)
    return formataddr((name, address), charset="utf-8") if name else address


class BulkTemplate:
    """The serialized message of one language with per-recipient slots."""

    def __init__(self, *, subject, text, html, from_email, headers, reply_to=""):
        boundary = f"==itprosig-{secrets.token_hex(12)}=="
        lines = [
            f"From: {_address(from_email)}",
            f"To: {SLOT_TO}",
            f"Subject: {_header_value(subject)}",
            f"Date: {formatdate(usegmt=True)}",
            f"Message-ID: {SLOT_MESSAGE_ID}",
            "MIME-Version: 1.0",
        ]
        if reply_to:
            lines.append(f"Reply-To: {_address(reply_to)}")
        lines += [f"{name}: {_header_value(value)}" for name, value in headers.items()]
        lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        parts = []
        for subtype, content in (("plain", text), ("html", html)):
            parts.append(
                f"--{boundary}\r\n"
                f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
                "Content-Transfer-Encoding: 8bit\r\n\r\n"
                f"{_crlf(content).rstrip()}\r\n"
            )
        wire = "\r\n".join(lines) + "\r\n\r\n" + "".join(parts) + f"--{boundary}--\r\n"
        self.wire = wire.encode("utf-8")
        self.usable = all(len(line) <= MAX_LINE for line in self.wire.split(b"\r\n")) and (
            boundary.encode() not in (text + html).encode("utf-8")
        )

    def stamp(self, *, to, message_id, unsubscribe, consent):
        """Return the bytes for one recipient, or None if this message must be built the slow way."""
        if not self.usable or not to.isascii():
            return None
        wire = (
            self.wire.replace(SLOT_TO.encode(), to.encode())
            .replace(SLOT_MESSAGE_ID.encode(), message_id.encode())
            .replace(SLOT_UNSUBSCRIBE.encode(), unsubscribe.encode())
            .replace(SLOT_CONSENT.encode(), consent.encode("utf-8"))
        )
        if any(len(line) > MAX_LINE for line in wire.split(b"\r\n")):
            return None
        return wire
