from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class VerifyDocumentForm(forms.Form):
    file = forms.FileField(
        label=_("PDF document"),
        help_text=_("A certificate, notice, report or decision downloaded from this system."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.DOCUMENT_VERIFY_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large; the limit is %(limit)s.")
                % {"limit": filesizeformat(settings.DOCUMENT_VERIFY_MAX_BYTES)}
            )
        head = uploaded.read(1024)
        uploaded.seek(0)
        if b"%PDF-" not in head:
            raise forms.ValidationError(_("This is not a PDF file."))
        return uploaded
