"""The home page's meeting filters: chapter (or city), topic and format, read from GET parameters.

A plain form that works without JavaScript. Values are slugs and fixed keys so the page cache can
key on them (itprosig.page_cache.KEY_PARAMETERS); an unknown value is shown as an error and the list
stays unfiltered.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Meeting

IN_PERSON, ONLINE = "in_person", "online"
# A hybrid meeting can be attended either way, so it answers both filters.
FORMATS = {IN_PERSON: Meeting.VENUE_FORMATS, ONLINE: Meeting.ONLINE_FORMATS}


class MeetingFilterForm(forms.Form):
    # Fields in the order the page cache sorts its key parameters, so a sent form's page is kept.
    chapter = forms.ChoiceField(label=_("City or chapter"), required=False)
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("In person or online")), (IN_PERSON, _("In person")), (ONLINE, _("Online"))],
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, data, *, chapters, topics):
        super().__init__(data)
        self.chapters = {chapter.slug: chapter for chapter in chapters}
        self.fields["chapter"].choices = [("", _("All chapters"))] + [
            (chapter.slug, f"{chapter.city} · {chapter.name}")
            for chapter in sorted(chapters, key=lambda c: (c.city, c.name))
        ]
        self.topics = {topic.slug: topic for topic in topics}
        self.fields["topic"].choices = [("", _("All topics"))] + [(t.slug, t.name) for t in topics]

    @property
    def is_filtering(self):
        return self.is_valid() and any(self.cleaned_data.values())

    def apply(self, meetings):
        """Return `meetings` narrowed to what the form asks, or unchanged when it is invalid."""
        if not self.is_valid():
            return meetings
        data = self.cleaned_data
        if data["chapter"]:
            meetings = meetings.filter(chapter__slug=data["chapter"])
        if data["topic"]:
            meetings = meetings.filter(topics__slug=data["topic"])
        if data["format"]:
            meetings = meetings.filter(Q(format__in=FORMATS[data["format"]]))
        return meetings

    def chosen_chapter(self):
        return self.chapters.get(self.cleaned_data["chapter"]) if self.is_valid() else None
