from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from workflow.models import NotificationKind, NotificationSettings


class NotificationSettingsForm(forms.Form):
    """One checkbox per kind of notification (e-mail on or off) and the language of the e-mails."""

    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)
    email_kinds = forms.MultipleChoiceField(
        label=_("Send me an e-mail when"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Every notification also appears under the bell, whatever you choose here."),
    )

    def __init__(self, *args, settings_row: NotificationSettings, **kwargs):
        self.settings_row = settings_row
        kwargs.setdefault(
            "initial",
            {
                "language": settings_row.language,
                "email_kinds": [kind for kind in NotificationKind.values if settings_row.wants_email(kind)],
            },
        )
        super().__init__(*args, **kwargs)

    def save(self) -> NotificationSettings:
        row = self.settings_row
        row.language = self.cleaned_data["language"]
        chosen = set(self.cleaned_data["email_kinds"])
        row.email_off = [kind for kind in NotificationKind.values if kind not in chosen]
        row.save()
        return row


def _person(user) -> str:
    return f"{user.get_full_name() or user.username}（{user.username}）"


class ReassignForm(forms.Form):
    """The chief hands an open task to a colleague holding the role its step names (`candidates`)."""

    to_user = forms.ModelChoiceField(label=_("Reassign to"), queryset=User.objects.none())

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = candidates if candidates is not None else User.objects.none()
        self.fields["to_user"].label_from_instance = _person
