"""Accounts in the browser, on a phone and a laptop, in English and French.

A visitor signs up with their name, clicks the button of the confirmation email and lands on their
page, logged in and greeted by name; later they log in with a code sent by email, and choose a new
password. Every allauth page they meet passes the Nu HTML checker and axe (WCAG 2.1 AA).
"""

import pathlib
import re

import pytest
from django.core import mail
from django.core.cache import cache

from members.models import Member
from tests.support.page_checks import AXE_JS, VNU_JAR, NuChecker, axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (VNU_JAR.exists() and AXE_JS.exists()), reason="npm test tools not installed"),
]

SHOTS = pathlib.Path(__file__).resolve().parents[2] / "test-results" / "accounts"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
LAPTOP = {"viewport": {"width": 1366, "height": 900}}
PASSWORD = "Heroes-Happen-Here-2008"
NEW_PASSWORD = "Community-Tour-Toronto-2026"

WORDS = {
    "en": {
        "prefix": "",
        "name": "Nadia Tremblay",
        "greeting": "Hello, Nadia Tremblay",
        "confirm_subject": "Confirm your email address · IT Pro Network",
        "confirm_button": "Confirm my email address",
        "code_subject": "Your login code · IT Pro Network",
        "reset_subject": "Choose a new password · IT Pro Network",
        "email_me_a_code": "Email me a login code",
        "log_out": "Log out",
    },
    "fr": {
        "prefix": "/fr",
        "name": "Élise Roy",
        "greeting": "Bonjour, Élise Roy",
        "confirm_subject": "Confirmez votre adresse courriel · IT Pro Network",
        "confirm_button": "Confirmer mon adresse courriel",
        "code_subject": "Votre code de connexion · IT Pro Network",
        "reset_subject": "Choisir un nouveau mot de passe · IT Pro Network",
        "email_me_a_code": "M’envoyer un code de connexion",
        "log_out": "Se déconnecter",
    },
}


@pytest.fixture(scope="module")
def nu_checker():
    checker = NuChecker()
    yield checker
    checker.stop()


@pytest.fixture
def site(settings, live_server):
    """Email links point at the live server, under a site name that is not its host."""
    cache.clear()  # allauth's rate limits live in the cache
    settings.SITE_NAME = "IT Pro Network"
    settings.SITE_URL = live_server.url
    return live_server


class PageChecks:
    """Screenshot each page visited; collect its Nu errors and axe violations by its name."""

    def __init__(self, nu_checker, enabled, prefix):
        self.nu_checker = nu_checker
        self.enabled = enabled
        self.prefix = prefix
        self.problems = {}

    def __call__(self, name, page):
        page.wait_for_load_state()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{self.prefix}-{name.replace(' ', '-')}.png"), full_page=True)
        if not self.enabled:
            return
        found = [f"nu: {error}" for error in self.nu_checker.errors(page.content().encode())]
        found += axe_violations(page)
        if found:
            self.problems[name] = found


def _last_email(address, subject):
    messages = [m for m in mail.outbox if address in m.to and m.subject == subject]
    assert messages, [(m.to, m.subject) for m in mail.outbox]
    return messages[-1]


def _link(message):
    return re.search(r"https?://[^/\s]+(/\S*confirm-email/\S+/)", message.body).group(1)


def _html(message):
    (html,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html


def _log_out(page, base, words, check, name):
    page.goto(f"{base}/accounts/logout/")
    check(name, page)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name=words["log_out"]).count() == 0


@pytest.mark.parametrize("device", ["phone", "laptop"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_visitor_signs_up_confirms_in_one_click_and_logs_in_by_code(
    site, browser, nu_checker, language, device
):
    words = WORDS[language]
    base = site.url + words["prefix"]
    address = f"visitor.{language}.{device}@example.org"
    # Page quality is checked once per language, on the laptop; the phone runs the same templates.
    check = PageChecks(nu_checker, enabled=device == "laptop", prefix=f"{language}-{device}")
    context = browser.new_context(bypass_csp=True, **(PHONE if device == "phone" else LAPTOP))
    page = context.new_page()

    # Sign up with a name.
    page.goto(f"{base}/accounts/signup/")
    check("signup", page)
    page.fill("input[name=display_name]", words["name"])
    page.fill("input[name=email]", address)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    check("verification sent", page)

    # The confirmation email: branded, in the visitor's language, with one button that confirms.
    message = _last_email(address, words["confirm_subject"])
    html = _html(message)
    assert "IT Pro Network" in message.body and "IT Pro Network" in html
    assert "Hello from" not in message.body
    page.set_content(html)
    page.screenshot(path=str(SHOTS / f"{language}-{device}-confirmation-email.png"), full_page=True)
    page.get_by_role("link", name=words["confirm_button"]).click()
    page.wait_for_url("**/me/")
    assert page.locator("h1").inner_text() == words["greeting"]
    assert Member.objects.get(email=address).emailaddress_set.get().verified

    # Log out, then back in with a code sent by email.
    _log_out(page, base, words, check, "logout")
    page.goto(f"{base}/accounts/login/")
    check("login", page)
    page.get_by_role("link", name=words["email_me_a_code"]).click()
    page.wait_for_url("**/accounts/login/code/")
    check("request login code", page)
    page.fill("input[name=email]", address)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/code/confirm/")
    check("enter login code", page)
    code = re.search(r"^    (\S+)$", _last_email(address, words["code_subject"]).body, re.M).group(1)
    page.fill("input[name=code]", code)
    page.locator("form.account-form button[type=submit]").first.click()
    page.wait_for_url("**/me/")
    assert page.locator("h1").inner_text() == words["greeting"]

    # The account pages /me/ links to.
    page.goto(f"{base}/accounts/email/")
    assert page.locator("form.account-form").get_by_text(address).is_visible()
    check("email addresses", page)
    page.goto(f"{base}/accounts/password/change/")
    check("password change", page)

    # Choose a new password from the emailed link.
    _log_out(page, base, words, check, "logout again")
    page.goto(f"{base}/accounts/password/reset/")
    check("password reset", page)
    page.fill("input[name=email]", address)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_url("**/accounts/password/reset/done/")
    check("password reset done", page)
    reset = _last_email(address, words["reset_subject"])
    page.set_content(_html(reset))
    page.locator("a[href*='/accounts/password/reset/key/']").first.click()
    page.wait_for_url("**/accounts/password/reset/key/**")
    check("password reset from key", page)
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_url("**/accounts/password/reset/key/done/")
    check("password reset from key done", page)
    assert Member.objects.get(email=address).check_password(NEW_PASSWORD)

    # A link opened by a browser that did not sign up (a mail scanner) confirms nothing by itself.
    other_address = f"other.{language}.{device}@example.org"
    signup = browser.new_context(bypass_csp=True, **LAPTOP).new_page()
    signup.goto(f"{base}/accounts/signup/")
    signup.fill("input[name=display_name]", "Scanner Test")
    signup.fill("input[name=email]", other_address)
    signup.fill("input[name=password1]", PASSWORD)
    signup.fill("input[name=password2]", PASSWORD)
    signup.locator("form.account-form button[type=submit]").click()
    signup.wait_for_url("**/accounts/confirm-email/")
    signup.context.close()
    other_link = _link(_last_email(other_address, words["confirm_subject"]))
    other = browser.new_context(bypass_csp=True, **LAPTOP).new_page()
    other.goto(site.url + other_link)
    assert not Member.objects.get(email=other_address).emailaddress_set.get().verified
    check("email confirmation", other)
    other.locator("form.account-form button[type=submit]").click()
    other.wait_for_url("**/accounts/login/**")
    assert Member.objects.get(email=other_address).emailaddress_set.get().verified

    # A used link says so.
    other.goto(site.url + _link(message))
    assert other.locator("form.account-form").count() == 0
    check("email confirmation, used link", other)
    other.context.close()
    context.close()
    assert check.problems == {}, "\n".join(f"{name}: {found}" for name, found in check.problems.items())
