"""The phone-first report form, the history filters and the CSV import form."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from cnfs.activity.enums import AgeBracket, Body, Channel, Duration, Kind, Status, Theme
from cnfs.activity.imports import MAX_BYTES_LABEL
from cnfs.common.web import add_service_errors
from cnfs.places.models import PlaceAdvisor
from cnfs.www.territories.forms import CommuneField

# Fields of the service given as groups of inputs in the form: {service field: (prefix, enum)}.
GROUPS = {
    "ages": ("age", AgeBracket),
    "statuses": ("status", Status),
    "redirections": ("redirected", Body),
}
GROUP_LABELS = {
    "ages": "Tranches d’âge",
    "statuses": "Statuts",
    "redirections": "Réorientations",
}


def _count_field(label, **kwargs):
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=100, initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
        error_messages={
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Saisissez un nombre positif ou nul.",
            "max_value": "Saisissez un nombre inférieur ou égal à 100.",
        },
        **kwargs,
    )  # fmt: skip


class ReportForm(DsfrBaseForm):
    """One accompaniment in a few taps: the defaults fit the most common case."""

    kind = forms.ChoiceField(
        label="Type d’accompagnement", choices=Kind.choices, initial=Kind.INDIVIDUAL,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le type d’accompagnement."},
    )  # fmt: skip
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez la date de l’accompagnement.",
            "invalid": "Saisissez une date valide.",
        },
    )
    participants = forms.IntegerField(
        label="Nombre de participants", initial=1, min_value=1, max_value=100,
        help_text="1 pour un accompagnement individuel ou une demande ponctuelle ; "
        "1 à 100 pour un atelier.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 100}),
        error_messages={
            "required": "Indiquez le nombre de participants.",
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Il y a au moins un participant.",
            "max_value": "Un atelier compte au plus 100 participants.",
        },
    )  # fmt: skip
    returning = _count_field("Dont personnes déjà accompagnées")
    channel = forms.ChoiceField(
        label="Lieu de l’accompagnement", choices=Channel.choices, initial=Channel.PLACE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez où a eu lieu l’accompagnement."},
    )  # fmt: skip
    place = forms.ChoiceField(label="Lieu d’activité", required=False)
    commune = CommuneField(
        required=False, help_text="Pour un autre lieu ou le domicile : tapez le nom ou le code "
        "postal, puis choisissez dans la liste.",
    )  # fmt: skip
    themes = forms.MultipleChoiceField(
        label="Thèmes", choices=Theme.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un thème."},
    )  # fmt: skip
    tags = forms.CharField(
        label="Étiquettes", required=False, max_length=300,
        help_text="Facultatif : des mots-clés libres, séparés par des virgules.",
    )  # fmt: skip
    duration = forms.ChoiceField(
        label="Durée", choices=Duration.choices, initial=Duration.FROM_30_TO_60,
        widget=forms.RadioSelect, error_messages={"required": "Choisissez la durée."},
    )  # fmt: skip
    minutes = forms.IntegerField(
        label="Durée précise, en minutes", required=False,
        help_text="Par pas de 15 minutes, jusqu’à 8 heures (480).",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 15, "min": 15, "max": 480}),
        error_messages={"invalid": "Saisissez un nombre entier de minutes."},
    )  # fmt: skip
    followup_individual = _count_field("Suivi en accompagnement individuel")
    followup_workshop = _count_field("Suivi en atelier collectif")
    aidants_connect = forms.BooleanField(
        label="Démarche réalisée pour la personne avec Aidants Connect", required=False
    )
    client_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, advisor, main_place=None, **kwargs):
        super().__init__(*args, **kwargs)
        places = [
            link.place
            for link in PlaceAdvisor.objects.filter(advisor=advisor)
            .select_related("place__commune")
            .order_by("-main", "place__name")
        ]
        self.fields["place"].choices = [("", "Choisissez un lieu")] + [
            (str(p.pk), str(p)) for p in places
        ]
        if main_place is None and places:
            main_place = places[0]
        if main_place is not None:
            self.fields["place"].initial = str(main_place.pk)
        self.fields["date"].initial = timezone.localdate()
        self.fields["client_key"].initial = uuid.uuid4().hex
        self.group_fields = {}
        for group, (prefix, enum) in GROUPS.items():
            names = []
            for value, label in enum.choices:
                name = f"{prefix}_{value}"
                self.fields[name] = _count_field(label)
                self.fields[name].widget.attrs["data-group"] = group
                names.append(name)
            self.group_fields[group] = names
        self.group_errors = {}
        # The usual case (one retired person): prefilled so that a single tap suffices.
        self.fields["age_over_60"].initial = 1
        self.fields["status_retired"].initial = 1

    def groups(self, group):
        return [self[name] for name in self.group_fields[group]]

    def ages(self):
        return self.groups("ages")

    def statuses(self):
        return self.groups("statuses")

    def redirections(self):
        return self.groups("redirections")

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def service_data(self) -> dict:
        data = self.cleaned_data
        result = {
            name: data.get(name)
            for name in [
                "date", "kind", "channel", "participants", "returning", "themes", "tags",
                "duration", "minutes", "followup_individual", "followup_workshop",
                "aidants_connect",
            ]
        }  # fmt: skip
        result["place"] = data.get("place") or None
        result["commune"] = data.get("commune")
        for group, names in self.group_fields.items():
            prefix = GROUPS[group][0]
            result[group] = {
                name[len(prefix) + 1 :]: data[name] for name in names if data.get(name)
            }
        return result

    def focus_first_error(self):
        """Autofocus the first refused input (a group's first input for a group error)."""
        names = [name for name in self.errors if name in self.fields]
        names += [self.group_fields[group][0] for group in self.group_errors]
        if names:
            first = min(names, key=list(self.fields).index)
            self.fields[first].widget.attrs["autofocus"] = ""

    def add_service_errors(self, error: ValidationError):
        """Errors on a group (ages, statuses, redirections) go above its inputs."""
        if hasattr(error, "error_dict"):
            for group in GROUPS:
                if group in error.error_dict:
                    messages = [m for e in error.error_dict.pop(group) for m in e.messages]
                    self.group_errors[group] = messages
                    for message in messages:
                        self.add_error(None, f"{GROUP_LABELS[group]} : {message}")
            if not error.error_dict:
                return
        add_service_errors(self, error)

    @classmethod
    def initial_from(cls, report) -> dict:
        """A new report prefilled from ``report`` (duplicate), dated today."""
        initial = {
            "kind": report.kind, "channel": report.channel,
            "place": str(report.place_id or ""), "commune": report.commune_id or "",
            "participants": report.participants, "returning": report.returning,
            "themes": report.themes, "tags": ", ".join(report.tags),
            "duration": report.duration, "minutes": report.minutes,
            "followup_individual": report.followup_individual,
            "followup_workshop": report.followup_workshop,
            "aidants_connect": report.aidants_connect,
        }  # fmt: skip
        for group, (prefix, enum) in GROUPS.items():
            values = getattr(report, group) or {}
            for value in enum.values:
                initial[f"{prefix}_{value}"] = values.get(value, 0)
        return initial


class HistoryFilterForm(DsfrBaseForm):
    start = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Saisissez une date valide."},
    )  # fmt: skip
    end = forms.DateField(
        label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Saisissez une date valide."},
    )  # fmt: skip
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous")] + Kind.choices)
    theme = forms.ChoiceField(label="Thème", required=False, choices=[("", "Tous")] + Theme.choices)

    def filter(self, reports):
        if not self.is_valid():
            return reports
        data = self.cleaned_data
        if data["start"]:
            reports = reports.filter(date__gte=data["start"])
        if data["end"]:
            reports = reports.filter(date__lte=data["end"])
        if data["kind"]:
            reports = reports.filter(kind=data["kind"])
        if data["theme"]:
            # A JSON list: match the quoted code in its text (portable to SQLite).
            reports = reports.annotate(themes_text=Cast("themes", TextField())).filter(
                themes_text__contains=f'"{data["theme"]}"'
            )
        return reports


class ImportForm(DsfrBaseForm):
    file = forms.FileField(
        label="Fichier CSV",
        help_text=f"Séparateur point-virgule ou virgule, encodage UTF-8 ; {MAX_BYTES_LABEL} "
        "au plus.",
        error_messages={"required": "Choisissez un fichier CSV."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
