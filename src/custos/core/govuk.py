"""Give Django form widgets the GOV.UK Frontend classes and accessible hint/error wiring."""

from __future__ import annotations

from typing import Any

from django import forms

_CLASSES = {
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


class GovukFormMixin:
    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = next((c for t, c in _CLASSES.items() if isinstance(widget, t)), "govuk-input")
            if isinstance(widget, forms.DateInput) and widget.input_type == "date":
                # <input type=date> only understands ISO dates, whatever the locale's display format.
                widget.format = "%Y-%m-%d"
            if isinstance(widget, forms.DateInput | forms.NumberInput):
                css += " govuk-input--width-10"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            described = []
            if field.help_text:
                described.append(f"id_{name}-hint")
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:
            if name in self.fields:
                w = self.fields[name].widget
                w.attrs["class"] = w.attrs.get("class", "") + " govuk-input--error"
                w.attrs["aria-describedby"] = (
                    w.attrs.get("aria-describedby", "") + f" id_{name}-error"
                ).strip()
