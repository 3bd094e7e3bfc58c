"""Forms of the reps' pages: fit check, bulk fit check, segment lists."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from portfolio.imports.reading import TEXT_EXTENSIONS, WORKBOOK_EXTENSIONS
from portfolio.parsing.typed import parse_local_number
from portfolio.uploads.forms import FIELD_LABELS, NUMBER_FORMAT_CHOICES
from profiles.reps import fitcheck
from profiles.versions import traits
from profiles.versions.criteria import FIT_SEGMENTS

MAX_TEXT = 300


class FitCheckForm(forms.Form):
    """One optional field per attribute; numbers in the member's language's format."""

    prospect = forms.CharField(label=_("Prospect"), max_length=200, required=False)

    def __init__(self, *args, attributes: list[fitcheck.Attribute], language: str | None, **kw):
        super().__init__(*args, **kw)
        self.attributes = attributes
        self.language = language
        for attribute in attributes:
            self.fields[attribute.key] = self._field(attribute)

    def _field(self, attribute: fitcheck.Attribute) -> forms.Field:
        label = attribute.label
        if attribute.kind == "multi":
            return forms.MultipleChoiceField(
                label=label,
                choices=attribute.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        if attribute.kind == "choice":
            return forms.ChoiceField(
                label=label, choices=[("", "—"), *attribute.choices], required=False
            )
        widget = forms.TextInput(
            attrs={"inputmode": "decimal"} if attribute.kind == "number" else {}
        )
        return forms.CharField(label=label, max_length=MAX_TEXT, required=False, widget=widget)

    def _post_clean(self):
        super()._post_clean()
        for attribute in self.attributes:
            value = self.cleaned_data.get(attribute.key)
            if attribute.kind == "number" and value not in (None, ""):
                try:
                    number = parse_local_number(value, self.language)
                except ValueError:
                    self.add_error(
                        attribute.key,
                        _("Enter a number, such as %(example)s.")
                        % {"example": "1.234,5" if self._comma() else "1,234.5"},
                    )
                    continue
                least = traits.minimum(attribute.key)
                if least is not None and number < least:
                    self.add_error(
                        attribute.key, _("Enter %(minimum)s or more.") % {"minimum": least}
                    )
                else:
                    self.cleaned_data[attribute.key] = number

    def _comma(self) -> bool:
        return formats.get_format("DECIMAL_SEPARATOR", self.language or None) == ","

    def prospect_attributes(self) -> dict:
        """What the rep entered: the attributes with a value."""
        found = {}
        for attribute in self.attributes:
            value = self.cleaned_data.get(attribute.key)
            if isinstance(value, str):
                value = " ".join(value.split())
            if value not in (None, "", []):
                found[attribute.key] = value
        return found

    def groups(self):
        """Bound fields by group, the profile's attributes first: [(label, [field, ...])]."""
        used = [self[a.key] for a in self.attributes if a.in_profile]
        grouped = [(_("What the profile asks about"), used)] if used else []
        for key, label in fitcheck.GROUPS.items():
            rest = [self[a.key] for a in self.attributes if a.group == key and not a.in_profile]
            if rest:
                grouped.append((label, rest))
        return grouped


class ProspectUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Prospect list"),
        help_text=_("CSV, Excel (.xlsx) or OpenDocument (.ods), with a header row."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.casefold() not in TEXT_EXTENSIONS | WORKBOOK_EXTENSIONS:
            raise forms.ValidationError(
                _("Please upload a CSV, Excel (.xlsx) or OpenDocument (.ods) file.")
            )
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s.")
                % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}
            )
        return upload


class ProspectMappingForm(forms.Form):
    """Which column holds which attribute, like the customer import's mapping."""

    number_format = forms.ChoiceField(
        label=_("Number format"), choices=NUMBER_FORMAT_CHOICES, required=False
    )
    file_format = forms.ChoiceField(
        label=_("Download as"), choices=[("csv", "CSV"), ("xlsx", "Excel (.xlsx)")], initial="csv"
    )

    def __init__(self, *args, columns: tuple[str, ...], attributes, score_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *[(c, c) for c in columns]]
        self.keys = ["name", "external_id"] + [
            a.key if a.canonical else fitcheck.EXTRA_PREFIX + a.key
            for a in attributes
            if a.in_profile and a.key not in ("name", "external_id")
        ]
        # The figures the organisation's scoring model scores the prospects on.
        self.keys += [f for f in score_fields if f not in self.keys]
        labels = {a.key: a.label for a in attributes}
        for key in self.keys:
            name = key.removeprefix(fitcheck.EXTRA_PREFIX)
            label = FIELD_LABELS.get(name) if name == key else None
            self.fields[f"map_{key}"] = forms.ChoiceField(
                label=label or labels.get(name, name), choices=choices, required=False
            )

    def rows(self):
        return [self[f"map_{key}"] for key in self.keys]

    def clean(self):
        data = super().clean()
        chosen = [data.get(f"map_{key}") for key in self.keys if data.get(f"map_{key}")]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(
                _("Each column of the file can be used for one field only."), code="twice"
            )
        if not data.get("map_name"):
            self.add_error("map_name", _("Choose the column that holds the prospect's name."))
        return data

    def mapping(self) -> dict[str, str | None]:
        return {key: self.cleaned_data.get(f"map_{key}") or None for key in self.keys}

    def number_format_key(self) -> str | None:
        """The file's number format as the import names it (None: detect it)."""
        return self.cleaned_data.get("number_format") or None


class SegmentFilterForm(forms.Form):
    segment = forms.ChoiceField(
        label=_("Segment"),
        choices=[("", _("All segments")), *[(s, fitcheck.SEGMENT_LABELS[s]) for s in FIT_SEGMENTS]],
        required=False,
    )
    owner = forms.CharField(label=_("Owner"), max_length=200, required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
