from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        error_messages={"required": "Enter a code."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, help_text="", autofocus=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
        if not autofocus:
            self.fields["code"].widget.attrs.pop("autofocus")
