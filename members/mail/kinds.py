"""The kinds of transactional email, each registered by the app that sends it.

The outbox belongs to members, but the RSVP, talk or volunteer emails belong to the apps above it:
each app registers its kinds (the label the admin shows) and, for emails written just before they
are sent, the composer that writes them. Members never lists another app's kinds.

Apps register from their `AppConfig.ready()`, so web processes and mail workers know the same kinds.
"""

from django.utils.translation import gettext_lazy as _

# kind -> label; composer name -> compose(spec) -> Composition
_LABELS = {}
_COMPOSERS = {}

# OutboxMessage.kind holds at most this many characters.
MAX_LENGTH = 20


def register(kind, label, composer=None):
    """Register an email kind with its admin label and, optionally, the composer that writes it.

    A row queued with `compose=(kind, spec)` is written by `composer(spec)` when it is sent.
    """
    if len(kind) > MAX_LENGTH:
        raise ValueError(f"email kind {kind!r} is longer than {MAX_LENGTH} characters")
    _LABELS[kind] = label
    if composer is not None:
        _COMPOSERS[kind] = composer


def register_composer(name, compose):
    """Register a composer under a name of its own, for rows queued with `compose=(name, spec)`.

    The older form, kept so code that registers composers this way keeps running; new code
    registers its kinds with `register(kind, label, composer=...)`.
    """
    _COMPOSERS[name] = compose


def composer(name):
    """Return the composer registered under `name` (a kind or a composer's own name)."""
    return _COMPOSERS[name]


def label(kind):
    """Return the registered label of `kind`, or the kind itself when no app registered it."""
    return _LABELS.get(kind, kind)


def choices():
    """Return (kind, label) for every registered kind, by label: the outbox's `kind` choices."""
    return sorted(_LABELS.items(), key=lambda item: str(item[1]))


# The kinds members sends itself.
ACCOUNT = "account"
NEWSLETTER_TEST = "newsletter_test"

register(ACCOUNT, _("Account"))
register(NEWSLETTER_TEST, _("Newsletter test"))
