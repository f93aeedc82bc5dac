"""Read an admin change form from its HTML and submit it as a browser would."""

from html.parser import HTMLParser

EMPTY_PREFIX = "__prefix__"


class _FormReader(HTMLParser):
    """Collect the named inputs of the form whose id is `form_id`, as a browser would submit them."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []  # (name, value)
        self._select = None  # [name, multiple, options, selected]
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind == "submit":
                if name == "_save":
                    self.fields.append((name, attrs.get("value", "")))
            elif kind not in ("file", "button", "image", "reset"):
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = [name, "multiple" in attrs, [], []]
        elif tag == "option" and self._select is not None:
            self._option = attrs.get("value", "")
            self._select[2].append(self._option)
            if "selected" in attrs:
                self._select[3].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, multiple, options, selected = self._select
            if multiple:
                self.fields.extend((name, value) for value in selected)
            elif selected or options:
                self.fields.append((name, (selected or options)[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline that follows the opening tag.
            name, text = self._textarea
            self.fields.append((name, text.removeprefix("\n")))
            self._textarea = None


def read_form(html, form_id):
    """Return the form's fields as {name: [values]}: what pressing Save would post."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return data


def with_new_inline_row(data, prefix):
    """Return `data` with one more (empty) row in the inline formset `prefix`, and the row's prefix."""
    data = {name: list(values) for name, values in data.items()}
    index = int(data[f"{prefix}-TOTAL_FORMS"][0])
    template = f"{prefix}-{EMPTY_PREFIX}-"
    for name, values in list(data.items()):
        if name.startswith(template):
            data[f"{prefix}-{index}-{name.removeprefix(template)}"] = list(values)
    data[f"{prefix}-TOTAL_FORMS"] = [str(index + 1)]
    return data, f"{prefix}-{index}"


def without_templates(data):
    """Drop the fields of the inlines' hidden row templates, which Django ignores anyway."""
    return {name: values for name, values in data.items() if EMPTY_PREFIX not in name}
