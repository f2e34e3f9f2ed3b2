from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from custos.accounts.roles import Role
from custos.core.access import not_found, scope_of
from custos.core.govuk import GovukFormMixin
from custos.workforce.models import Person
from custos.workforce.picker import Choosable, PersonField, people_source, person_field

ACCOUNT_HOLDER = "accounts.account-holder"


class LoginForm(GovukFormMixin, forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class CodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=12,
        help_text="The 6-digit code from your authenticator app, or one of your 8-digit recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError("Enter the code using digits only.")
        return code


class TokenForm(GovukFormMixin, forms.Form):
    name = forms.CharField(max_length=100, required=False, help_text="What the token is for.")
    scope = forms.ChoiceField(choices=[("read", "Read only"), ("write", "Read and write")])
    days = forms.IntegerField(min_value=1, max_value=365, initial=90, label="Valid for (days)")


# Account administration (administrators) and changing one's own password (everyone).

ROLE_CHOICES = [(r.value, r.label) for r in Role]
PASSWORDS_DIFFER = "The two passwords do not match."


def account_holders() -> Choosable:
    """Active officers and staff who have no account yet: the people a new account can be for."""
    return Choosable(Person.objects.filter(active=True, user__isnull=True), ACCOUNT_HOLDER)


@people_source(ACCOUNT_HOLDER)
def _account_holders(actor: Any, key: int | None) -> QuerySet[Person]:
    if not scope_of(actor).is_admin:
        raise not_found()
    return account_holders().people


class _NewPasswordMixin(forms.Form):
    password = forms.CharField(
        label="New password",
        help_text="At least 12 characters, not a common password and not like the username.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password_again = forms.CharField(
        label="New password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", PASSWORDS_DIFFER)
        return data


class UserFilterForm(GovukFormMixin, forms.Form):
    q = forms.CharField(label="Username or name", required=False, max_length=150)
    role = forms.ChoiceField(choices=[("", "Any role"), *ROLE_CHOICES], required=False)
    state = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any"),
            ("active", "Active"),
            ("locked", "Locked after failed sign-ins"),
            ("no-2fa", "Two-factor not set up"),
            ("inactive", "Deactivated"),
        ],
    )


class UserCreateForm(GovukFormMixin, _NewPasswordMixin):
    username = forms.CharField(max_length=150, help_text="What they type to sign in.")
    person = PersonField(
        label="Officer or staff member",
        required=False,
        help_text="Their workforce record gives the account its borough, team and supervisor. "
        "Leave it empty only for someone outside the force's workforce, such as a visiting inspector.",
    )
    roles = forms.MultipleChoiceField(choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)
    email = forms.EmailField(required=False)

    field_order = ["username", "person", "roles", "email", "password", "password_again"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_field(self, "person").offer(account_holders())


class RolesForm(GovukFormMixin, forms.Form):
    roles = forms.MultipleChoiceField(choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)


class ReasonForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=500, help_text="Recorded in the audit trail.", widget=forms.Textarea(attrs={"rows": 2})
    )


class PasswordSetForm(GovukFormMixin, _NewPasswordMixin):
    pass


class PasswordChangeForm(GovukFormMixin, _NewPasswordMixin):
    current = forms.CharField(
        label="Current password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )

    field_order = ["current", "password", "password_again"]
