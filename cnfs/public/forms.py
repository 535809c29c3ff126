from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.places.enums import Access, Service
from cnfs.www.territories.forms import CommuneField


class MapSearchForm(DsfrBaseForm):
    """Where to look from (a commune, or the browser's position) and the filters."""

    commune = CommuneField(
        required=False,
        label="Commune ou code postal",
        help_text="Tapez le nom ou le code postal, puis choisissez dans la liste.",
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    services = forms.MultipleChoiceField(
        label="Services proposés",
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les lieux qui proposent tous les services cochés.",
    )
    access = forms.ChoiceField(
        label="Accès",
        choices=[("", "Tous les modes d’accès"), *Access.choices],
        required=False,
    )
    itinerant = forms.BooleanField(label="Itinérant uniquement", required=False)
    open_now = forms.BooleanField(label="Ouvert maintenant", required=False)

    def point(self):
        """(latitude, longitude, what it is) of the chosen point, or None."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        if data["commune"] is not None:
            commune = data["commune"]
            return commune.latitude, commune.longitude, commune.name
        if data["lat"] is not None and data["lon"] is not None:
            return data["lat"], data["lon"], "votre position"
        return None
