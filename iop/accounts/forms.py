from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from iop.accounts import lockout
from iop.accounts.net import client_ip


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "That username and password do not match. Check both (passwords are "
            "case-sensitive) and try again."
        ),
        "inactive": "This account is disabled. Ask an administrator.",
        "locked": (
            "Too many failed sign-in attempts for this username. Sign-in is paused for "
            "%(minutes)s more minute(s); an administrator can help sooner."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            until = lockout.locked_until(
                username=self.cleaned_data.get("username"), ip=client_ip(self.request)
            )
            if until:
                minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"minutes": minutes}
                ) from None
            raise
