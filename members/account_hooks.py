"""What the apps built on members add to a member's account: their part of the data export and of
closing the account.

Members cannot import the apps above it (meetings, speakers, community), yet an access request must
list everything held about a member and a closed account must give up its seats. Each app registers
here, from its `AppConfig.ready()`, what it holds and what closing means for it.
"""

_EXPORT_SECTIONS = {}
_CLOSING_STEPS = []


def register_export_section(name, section):
    """Add `section(member)`, which returns plain values, to the data export under `name`."""
    _EXPORT_SECTIONS[name] = section


def register_closing_step(step):
    """Run `step(member=...)` when an account closes, in its transaction, before the erasure.

    The step returns the outbox rows it queued in the member's name that must still go out (an
    RSVP's withdrawal): they are written now, while the name and address exist.
    """
    if step not in _CLOSING_STEPS:
        _CLOSING_STEPS.append(step)


def export_sections(member):
    """Return every registered section of the member's data export."""
    return {name: section(member) for name, section in _EXPORT_SECTIONS.items()}


def run_closing_steps(member):
    """Run every registered closing step; return the outbox rows they ask to keep sending."""
    keep = []
    for step in _CLOSING_STEPS:
        keep.extend(step(member=member))
    return keep
