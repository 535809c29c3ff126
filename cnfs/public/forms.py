from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.places.enums import Access, Service
from cnfs.territories.models import Commune
from cnfs.www.territories.forms import CommuneField


class MapSearchForm(DsfrBaseForm):
    """Where to look from (a commune, or the browser's position) and the filters."""

    # A postal code shared by several communes starts from the most populous one; the page
    # offers the others (``alternatives``).
    commune = CommuneField(
        required=False,
        pick_first=True,
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
        """(latitude, longitude, what it is, its closed world) of the chosen point, or None.

        The closed world (DOMAIN §4.2) is the commune's, or for a position that of the
        nearest commune: the nearest places are looked for in it only."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        if data["commune"] is not None:
            commune = data["commune"]
            return commune.latitude, commune.longitude, commune.name, commune.overseas_territory
        if data["lat"] is not None and data["lon"] is not None:
            nearest = Commune.objects.nearest_to(data["lat"], data["lon"])
            world = nearest.overseas_territory if nearest else ""
            return data["lat"], data["lon"], "votre position", world
        return None

    def alternatives(self) -> list:
        """The other communes of the postal code searched (most populous first), if any."""
        if not self.is_valid() or self.cleaned_data["commune"] is None:
            return []
        return getattr(self.cleaned_data["commune"], "alternatives", [])
