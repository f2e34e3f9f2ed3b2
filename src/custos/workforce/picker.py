"""Choosing a person in a form: a list when few may be chosen, a staff number with suggestions when many.

A select of everyone a London administrator may choose runs to tens of thousands of options: megabytes of
HTML and seconds of rendering. `PersonField` stays a select while the people it offers number at most
`workforce.person_picker_max_options`; above that it renders a labelled text input for a staff number, and
htmx asks `workforce:person_suggestions` for matches as the user types a name or number. Without
JavaScript the text input alone works. Either way the field keeps its name and cleans to a Person (or
None), and the server resolves the entry within the field's own queryset: someone outside it is never
suggested and never accepted.

Suggestions come from a named *source*: a function an app registers in its `pickers.py` with
`people_source`. It repeats the access check of the page that shows the form (a 404 outside it) and returns
the very queryset that page offers, so the endpoint can never widen need-to-know.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Case, Q, QuerySet, Value, When
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from custos.core.access import not_found
from custos.core.policy import current_policy
from custos.workforce.models import Person

PERSON_NOT_CHOOSABLE = (
    "No one with that staff number can be chosen here. Check the number, or type part of a name to see "
    "who can."
)
PICKER_HINT = "Enter their staff number, or type part of their name or number and choose a suggestion."
SUGGESTIONS_SHOWN = 20
SUGGEST_MIN_CHARS = 2  # one letter matches a tenth of the force: not worth a request
_SEARCH_TERMS = 4

# A pasted suggestion label, "DC Jane Smith (123456)", still means staff number 123456.
_LABEL_NUMBER = re.compile(r"\(([^()]+)\)\s*$")

# source(user, key) -> the people that page's form offers; raises Http404 outside its access.
PeopleSource = Callable[[Any, int | None], QuerySet[Person]]
_SOURCES: dict[str, PeopleSource] = {}


def people_source(name: str) -> Callable[[PeopleSource], PeopleSource]:
    """Register the people a form field offers under ``name`` (see the module docstring)."""

    def register(source: PeopleSource) -> PeopleSource:
        _SOURCES[name] = source
        return source

    return register


def choosable_people(*, actor: Any, source: str, key: int | None) -> QuerySet[Person]:
    """The people ``actor`` may choose from ``source`` (for the record ``key``), or 404."""
    found = _SOURCES.get(source)
    if found is None:
        raise not_found()
    return found(actor, key)


@dataclass(frozen=True)
class Choosable:
    """The people one form field offers, and the source that suggests among the same people."""

    people: QuerySet[Person]
    source: str
    key: int | None = None

    def suggestions_url(self) -> str:
        if self.key is None:
            return reverse("workforce:person_suggestions", kwargs={"source": self.source})
        return reverse("workforce:person_suggestions_for", kwargs={"source": self.source, "key": self.key})


@dataclass(frozen=True)
class Suggestions:
    query: str  # as typed, spaces tidied
    people: list[Person]
    more: bool  # more than these match: the user should type more

    @property
    def searched(self) -> bool:
        return len(self.query) >= SUGGEST_MIN_CHARS


def suggest(people: QuerySet[Person], typed: str) -> Suggestions:
    """Up to SUGGESTIONS_SHOWN of ``people`` matching every word typed, and whether there are more.

    A word matches the start of a staff number, first name or last name (or of a later part of a
    double-barrelled last name). An exact staff number comes first, then by name."""
    query = " ".join(typed.split())
    if len(query) < SUGGEST_MIN_CHARS:
        return Suggestions(query, [], False)
    matches = people.select_related(None).prefetch_related(None)
    for term in query.split()[:_SEARCH_TERMS]:
        matches = matches.filter(
            Q(staff_number__istartswith=term)
            | Q(first_name__istartswith=term)
            | Q(last_name__istartswith=term)
            | Q(last_name__icontains=f"-{term}")
            | Q(last_name__icontains=f" {term}")
        )
    ranked = matches.annotate(
        _exact=Case(When(staff_number__iexact=query, then=Value(0)), default=Value(1))
    ).order_by("_exact", "last_name", "first_name", "staff_number")
    found: list[Person] = [
        *ranked.only("pk", "staff_number", "first_name", "last_name", "rank")[: SUGGESTIONS_SHOWN + 1]
    ]
    return Suggestions(query, found[:SUGGESTIONS_SHOWN], len(found) > SUGGESTIONS_SHOWN)


@dataclass(frozen=True)
class _Chosen:
    """A resolved entry: the staff number shown in the input, and who it is."""

    staff_number: str
    label: str

    def __str__(self) -> str:
        return self.staff_number


class PersonPickerWidget(forms.Select):
    """A select, or (when its field offers many people) a staff-number input with suggestions."""

    picker_template_name = "workforce/person_picker.html"
    many = False  # set by PersonField for each form before rendering
    suggestions_url = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if not self.many:
            return super().get_context(name, value, attrs)
        # Widget's context, not ChoiceWidget's: that one would build an option for every person.
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        widget_attrs = widget["attrs"]
        css = [c for c in widget_attrs.get("class", "").split() if c not in ("govuk-select", "govuk-input")]
        widget_attrs["class"] = " ".join(["govuk-input", "govuk-input--width-20", *css])
        id_ = widget_attrs.get("id") or f"id_{name}"
        hint_id = f"{id_}-hint"
        # Django's own describedby ids (…_helptext, …_error) name nothing in our templates.
        described = [
            d
            for d in widget_attrs.get("aria-describedby", "").split()
            if d != hint_id and not d.endswith(("_helptext", "_error"))
        ]
        widget_attrs["aria-describedby"] = " ".join([hint_id, *described])
        widget_attrs.update(autocomplete="off", spellcheck="false")
        url = ""
        if self.suggestions_url:
            url = f"{self.suggestions_url}?{urlencode({'field': name})}"
        widget["picker"] = {
            "id": id_,
            "suggestions_id": f"{id_}-suggestions",
            "status_id": f"{id_}-status",
            "chosen_id": f"{id_}-chosen",
            "url": url,
            "chosen": value.label if isinstance(value, _Chosen) else "",
        }
        return context

    def format_value(self, value: Any) -> Any:
        if not self.many:
            return super().format_value(value)
        return "" if value is None else str(value)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        if not self.many:
            return super().render(name, value, attrs, renderer)
        # The project's engine: the form renderer's own one sees only Django's and the apps' folders.
        return render_to_string(self.picker_template_name, self.get_context(name, value, attrs))

    def use_required_attribute(self, initial: Any) -> bool:
        if not self.many:
            return super().use_required_attribute(initial)
        return not self.is_hidden


class _PersonBoundField(BoundField):
    def __init__(self, form: Any, field: PersonField, name: str) -> None:
        super().__init__(form, field, name)
        if field.many:
            self.help_text = f"{self.help_text} {PICKER_HINT}" if self.help_text else PICKER_HINT


@dataclass
class _Offered:
    """What a field has worked out about the queryset it offers (anew whenever the queryset changes)."""

    queryset: QuerySet[Person] | None
    many: bool | None = None
    resolved: dict[str, Person] = field(default_factory=dict)  # typed entry -> whom it named


class PersonField(forms.ModelChoiceField):
    """A ModelChoiceField of people that stays usable at London scale (see the module docstring).

    Give it its people with ``offer(Choosable(...))`` so that the suggestions come from the same set;
    a bare queryset works too, without suggestions."""

    widget = PersonPickerWidget
    default_error_messages = {"not_choosable": PERSON_NOT_CHOOSABLE}

    def __init__(self, queryset: QuerySet[Person] | None = None, **kwargs: Any) -> None:
        self.suggestions_url = ""
        self._offered = _Offered(None)
        super().__init__(Person.objects.none() if queryset is None else queryset, **kwargs)

    @property
    def offered(self) -> _Offered:
        # Setting a queryset (and copying the field for each form) stores a fresh QuerySet object, so
        # nothing worked out for one form's people can reach another form.
        if self._offered.queryset is not self.queryset:
            self._offered = _Offered(self.queryset)
        return self._offered

    def offer(self, people: Choosable | QuerySet[Person]) -> None:
        if isinstance(people, Choosable):
            self.queryset, self.suggestions_url = people.people, people.suggestions_url()
        else:
            self.queryset, self.suggestions_url = people, ""

    @property
    def many(self) -> bool:
        """More people to choose from than a select should list (one bounded COUNT, once per form)."""
        offered = self.offered
        if offered.many is None:
            limit = int(current_policy().get("workforce.person_picker_max_options"))
            offered.many = self.queryset is not None and self.queryset.order_by()[: limit + 1].count() > limit
        return offered.many

    def get_bound_field(self, form: Any, field_name: str) -> BoundField:
        widget = self.widget
        assert isinstance(widget, PersonPickerWidget)
        widget.many, widget.suggestions_url = self.many, self.suggestions_url
        return _PersonBoundField(form, self, field_name)

    def to_python(self, value: Any) -> Person | None:
        if not self.many:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        typed = str(value.staff_number if isinstance(value, Person) else value)
        number = typed.strip()
        if label := _LABEL_NUMBER.search(number):
            number = label.group(1).strip()
        self.validate_no_null_characters(number)
        if not number:
            return None
        assert self.queryset is not None
        found = list(self.queryset.filter(staff_number__iexact=number)[:2])
        # Staff numbers are unique as typed; only letters in another case could match twice.
        person = found[0] if len(found) == 1 else next((p for p in found if p.staff_number == number), None)
        if person is None:
            raise forms.ValidationError(self.error_messages["not_choosable"], code="not_choosable")
        self.offered.resolved[typed] = person
        return person

    def prepare_value(self, value: Any) -> Any:
        if not self.many:
            return super().prepare_value(value)
        if value in self.empty_values:
            return ""
        if isinstance(value, str):  # what the user typed, shown back as typed
            typed = self.offered.resolved.get(value)
            return _Chosen(value, str(typed)) if typed is not None else value
        # An initial value: a Person or its primary key, shown as the staff number if it may be chosen.
        assert self.queryset is not None
        pk = value.pk if isinstance(value, Person) else value
        person = self.queryset.filter(pk=pk).first()
        return _Chosen(person.staff_number, str(person)) if person is not None else ""

    def has_changed(self, initial: Any, data: Any) -> bool:
        if not self.many:
            return super().has_changed(initial, data)
        if self.disabled:
            return False
        return str(self.prepare_value(initial) or "") != str(data or "").strip()


def person_field(form: forms.BaseForm, name: str) -> PersonField:
    """The PersonField called ``name`` in ``form`` (typed, to ``offer`` it its people)."""
    field = form.fields[name]
    assert isinstance(field, PersonField), f"{name} is not a PersonField"
    return field
