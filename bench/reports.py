"""Report scaling: the same chapter's report with 10,000, 100,000 and 1,000,000 RSVPs in the database."""


def run():
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("reports:index")
    except NoReverseMatch:
        return [{"skipped": "reports are not built yet"}]
    return [{"skipped": "report timing is not wired into the benchmark yet"}]
