"""What the embedded-mode lane drives the served app with: HTML forms as a browser submits them, and the
mail files the app writes.

No Django here: the lane talks to the app over HTTP and reads its files, as a person would.
"""

import email
import email.policy
import html
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import httpx

# Django's file mail backend writes each message followed by a line of 79 dashes.
MESSAGE_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@dataclass
class Select:
    name: str
    multiple: bool
    options: list = field(default_factory=list)  # (value, label, selected)


@dataclass
class Form:
    action: str
    method: str
    attrs: dict
    fields: list = field(default_factory=list)  # (name, value) in document order
    selects: dict = field(default_factory=dict)
    submits: list = field(default_factory=list)  # (name, value) of submit buttons

    def data(self, overrides=None):
        """Return what a browser submits, with `overrides` (name -> value or list) replacing fields."""
        overrides = overrides or {}
        data = [(name, value) for name, value in self.fields if name not in overrides]
        for name, value in overrides.items():
            values = value if isinstance(value, list) else [value]
            data += [(name, v) for v in values if v is not None]
        return data

    def option_value(self, select, label_contains):
        for value, label, _selected in self.selects[select].options:
            if label_contains in label:
                return value
        raise AssertionError(f"no option containing {label_contains!r} in {select}")


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(attrs.get("action", ""), attrs.get("method", "get").lower(), attrs)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "button" and attrs.get("type", "submit") == "submit" and "name" in attrs:
            self._form.submits.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and "name" in attrs:
            self._select = Select(attrs["name"], "multiple" in attrs)
            self._form.selects[attrs["name"]] = self._select
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "", "selected" in attrs]
        elif tag == "textarea" and "name" in attrs:
            self._textarea = [attrs["name"], ""]

    def _input(self, attrs):
        kind = attrs.get("type", "text").lower()
        name = attrs.get("name")
        if not name or kind in {"submit", "button", "image", "file", "reset"} or "disabled" in attrs:
            return
        if kind in {"checkbox", "radio"} and "checked" not in attrs:
            return
        self._form.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        elif self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value, label, selected = self._option
            label = " ".join(label.split())
            self._select.options.append((label if value is None else value, label, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, _label, selected in self._select.options if selected]
            if not chosen and not self._select.multiple and self._select.options:
                chosen = [self._select.options[0][0]]
            self._form.fields += [(self._select.name, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # Browsers drop the one newline that may follow <textarea>.
            self._form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_in(page):
    parser = _FormParser()
    parser.feed(page)
    return parser.forms


class Visitor:
    """One person's browser: cookies kept, redirects followed, forms submitted as they are on the page."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, follow_redirects=True, timeout=30.0)
        self.page = None

    def close(self):
        self.http.close()

    def get(self, path, expect=200):
        response = self.http.get(path)
        assert response.status_code == expect, f"GET {path}: {response.status_code}\n{_text(response)}"
        self.page = response
        return response

    def form(self, action_contains="", *, on=None, **attrs):
        """Return the first form of the current page whose action contains `action_contains`."""
        page = on or self.page
        for form in forms_in(page.text):
            resolved = urljoin(str(page.url), form.action or str(page.url))
            if action_contains in resolved and all(form.attrs.get(k) == v for k, v in attrs.items()):
                form.action = resolved
                return form
        raise AssertionError(f"no form with action containing {action_contains!r} on {page.url}")

    def submit(self, form, overrides=None, *, expect=200):
        data = {}
        for name, value in form.data(overrides):
            data.setdefault(name, []).append(value)
        response = self.http.request(form.method.upper() or "POST", form.action, data=data)
        assert response.status_code == expect, (
            f"POST {form.action}: {response.status_code}\n{_text(response)}"
        )
        self.page = response
        return response

    def text(self):
        return _text(self.page)

    def log_in(self, email_address, password):
        self.get("/accounts/login/")
        self.submit(self.form("/accounts/login/"), {"login": email_address, "password": password})
        assert "/accounts/login/" not in str(self.page.url), f"login failed for {email_address}"

    def admin_log_in(self, email_address, password):
        self.get("/admin/login/")
        self.submit(self.form("/admin/login/"), {"username": email_address, "password": password})
        assert "/admin/login/" not in str(self.page.url), f"admin login failed for {email_address}"

    def messages(self):
        """Return the Django messages shown on the current page (site and admin)."""
        found = re.findall(
            r'<(?:li|div)[^>]*class="[^"]*(?:alert|success|info|warning|error)[^"]*"[^>]*>(.*?)</(?:li|div)>',
            self.page.text,
            re.S,
        )
        return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", m)).split()) for m in found]


def _text(response):
    """Return a page's visible text, for assertions and failure messages."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.text, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


class Mailbox:
    """The messages the app wrote under var/mail/, as a person reading those files would see them."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def files(self):
        """Return {file name: the messages in it}."""
        return {
            path.name: [
                email.message_from_bytes(chunk, policy=email.policy.default)
                for chunk in path.read_bytes().split(MESSAGE_SEPARATOR)
                if chunk.strip()
            ]
            for path in sorted(self.directory.glob("*"))
        }

    def messages(self):
        return [message for messages in self.files().values() for message in messages]

    def to(self, address, subject_contains=""):
        return [
            m
            for m in self.messages()
            if address.lower() in str(m["To"]).lower()
            and subject_contains.lower() in str(m["Subject"]).lower()
        ]

    def wait_for(self, address, subject_contains="", *, count=1, timeout=15.0):
        """Return the messages to `address` once at least `count` arrived (mail is written at commit)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.to(address, subject_contains)
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, (
                    f"{len(found)} message(s) to {address} with {subject_contains!r} in the subject; "
                    f"subjects there: {[str(m['Subject']) for m in self.to(address)]}"
                )
                return found
            time.sleep(0.2)


def body_text(message):
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part else ""


def attachments_of_type(message, content_type):
    return [part for part in message.walk() if part.get_content_type() == content_type]
