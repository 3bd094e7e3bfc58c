from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from icp_site.models import Organization, Role, available_time_zones


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.REP)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class OrganizationSwitchForm(forms.Form):
    organization = forms.IntegerField()


class OrganizationForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=(),
        help_text=_("Times on every page, export and meeting pack are shown in this zone."),
    )

    class Meta:
        model = Organization
        fields = ["name", "default_language", "currency", "time_zone"]
        help_texts = {
            "default_language": _(
                "Used when neither the member nor their browser asks for a language."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(name, name) for name in sorted(available_time_zones())]
