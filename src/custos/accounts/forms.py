from __future__ import annotations

from django import forms

from custos.core.govuk import GovukFormMixin


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
