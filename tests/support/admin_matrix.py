"""What a person meets on an admin model's list, add, change and delete pages.

Outcomes: login (sent to the login page), forbidden (403), hidden (the list opens without the
object), shown (the list links to it), ok (the page opens), missing ("does not exist", as for any
unknown id), edit (the change page has a Save button), view (read-only).
"""

from django.urls import reverse


def _outcome(response, *, obj=None, kind):
    if response.status_code == 302:
        return "login" if "/admin/login/" in response["Location"] else "missing"
    if response.status_code == 403:
        return "forbidden"
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    if kind == "list":
        # The change link of the object is what makes it reachable from the list.
        return "shown" if f"/{obj.pk}/change/" in html else "hidden"
    if kind == "change":
        return "edit" if 'name="_save"' in html else "view"
    return "ok"


def admin_outcomes(client, label, obj):
    """Return (list, add, change, delete) outcomes of model `label` ("app.model") for `obj`."""
    prefix = "admin:{}_{}".format(*label.split("."))
    return (
        _outcome(client.get(reverse(f"{prefix}_changelist")), obj=obj, kind="list"),
        _outcome(client.get(reverse(f"{prefix}_add")), kind="add"),
        _outcome(client.get(reverse(f"{prefix}_change", args=[obj.pk])), kind="change"),
        _outcome(client.get(reverse(f"{prefix}_delete", args=[obj.pk])), kind="delete"),
    )


def outcomes_by_role(client, users, label, obj):
    """Return {role: admin_outcomes} with `client` logged in as each of `users` ({role: user or None})."""
    seen = {}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        seen[role] = admin_outcomes(client, label, obj)
    return seen
