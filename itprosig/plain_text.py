"""Markdown written by organizers, as plain text for places that show no HTML.

A calendar's DESCRIPTION (RFC 5545) is plain text: clients show `**bold**` or `<p>` as typed.
The Markdown is rendered first, so what a reader sees matches the meeting page: emphasis marks
go, list items keep a dash, a link keeps its address in brackets.
"""

import html
import re
from html.parser import HTMLParser

import markdown

HEADINGS = {f"h{level}" for level in range(1, 7)}
BLOCKS = {"p", "div", "pre", "blockquote", "ul", "ol", "hr", "table", "tr", *HEADINGS}


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.links = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in BLOCKS:
            self.parts.append("\n\n")
        if tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            # The address is what a calendar reader can follow; repeat it only if the label hides it.
            if href and href != label and href.startswith(("http://", "https://", "mailto:")):
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _squeeze(line):
    """Collapse a line's runs of spaces, keeping a list item's dash."""
    if line.startswith("- "):
        return "- " + " ".join(line[2:].split())
    return " ".join(line.split())


def markdown_to_text(source):
    """Return Markdown (or HTML) as plain text: no markup, paragraphs separated by a blank line."""
    if not source:
        return ""
    collector = _TextCollector()
    collector.feed(markdown.markdown(source, extensions=["sane_lists"]))
    collector.close()
    text = html.unescape("".join(collector.parts))
    lines = [_squeeze(line) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
