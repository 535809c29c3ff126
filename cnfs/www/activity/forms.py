"""The phone-first report form, the history filters and the CSV import form."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from cnfs.activity import services
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


# The themes shown first (the most frequent in one-to-one accompaniments); the others are one
# tap away, under "Autres thèmes", so that the usual report fits two phone screens.
# fmt: skip below: a data table laid out by hand for reading.
COMMON_THEMES = [
    Theme.PROCEDURES, Theme.EMAIL, Theme.SMARTPHONE, Theme.EQUIPMENT, Theme.INTERNET,
    Theme.SECURITY,
]  # fmt: skip

# The inputs the form fills for the service from the single-person answers (kind, age, status).
SINGLE_PERSON_FIELDS = {"ages": "age", "statuses": "status"}
# Rules of the service that depend on the kind and the number of participants: not repeated
# while the kind or the number is itself refused.
# fmt: skip below: a data table laid out by hand for reading.
DEPENDS_ON_PARTICIPANTS = {
    "participants", "returning", "ages", "statuses", "followup_individual", "redirections",
}  # fmt: skip


def _count_field(label, **kwargs):
    # Empty means none: nothing is written in the advisor's place.
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
        error_messages={
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Saisissez un nombre positif ou nul.",
            "max_value": "Saisissez un nombre inférieur ou égal à 100.",
        },
        **kwargs,
    )


class ReportForm(DsfrBaseForm):
    """One accompaniment in a few taps. Nothing is answered in the advisor's place: only the
    date (today) and the place (the advisor's main place) have a default. One person (an
    individual accompaniment or a one-off request) is described by one age bracket and one
    status; a workshop by its number of participants and their counts."""

    kind = forms.ChoiceField(
        label="Type d’accompagnement",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le type d’accompagnement."},
    )
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez la date de l’accompagnement.",
            "invalid": "Saisissez une date valide.",
        },
    )
    participants = forms.IntegerField(
        label="Nombre de participants",
        required=False,
        min_value=1,
        max_value=100,
        help_text="De 1 à 100.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 100}),
        error_messages={
            "required": "Indiquez le nombre de participants.",
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Il y a au moins un participant.",
            "max_value": "Un atelier compte au plus 100 participants.",
        },
    )
    age = forms.ChoiceField(
        label="Tranche d’âge",
        choices=AgeBracket.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    status = forms.ChoiceField(
        label="Statut", choices=Status.choices, required=False, widget=forms.RadioSelect
    )
    returning = _count_field("Dont personnes déjà accompagnées")
    channel = forms.ChoiceField(
        label="Lieu de l’accompagnement",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez où a eu lieu l’accompagnement."},
    )
    place = forms.ChoiceField(label="Lieu d’activité", required=False)
    commune = CommuneField(
        required=False,
        help_text="Pour un autre lieu ou le domicile : tapez le nom ou le code "
        "postal, puis choisissez dans la liste.",
    )
    themes = forms.MultipleChoiceField(
        label="Thèmes",
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un thème."},
    )
    tags = forms.CharField(
        label="Étiquettes",
        required=False,
        max_length=300,
        help_text="Des mots-clés libres, séparés par des virgules. Le compte rendu est "
        "anonyme : jamais le nom d’une personne.",
    )
    duration = forms.ChoiceField(
        label="Durée",
        choices=Duration.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez la durée."},
    )
    minutes = forms.IntegerField(
        label="Durée précise, en minutes",
        required=False,
        help_text="Par pas de 15 minutes, jusqu’à 8 heures (480).",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 15, "min": 15, "max": 480}),
        error_messages={"invalid": "Saisissez un nombre entier de minutes."},
    )
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
            # The advisor's main place is the usual answer to "where".
            self.fields["channel"].initial = Channel.PLACE
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

    def theme_choices(self, common: bool):
        """The theme checkboxes, common ones first (``common``) or the others."""
        return [
            choice for choice in self["themes"] if (choice.data["value"] in COMMON_THEMES) == common
        ]

    def common_themes(self):
        return self.theme_choices(True)

    def other_themes(self):
        return self.theme_choices(False)

    def other_theme_chosen(self) -> bool:
        return any(choice.data["selected"] for choice in self.other_themes())

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

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Kind.WORKSHOP:
            if cleaned.get("participants") is None and "participants" not in self.errors:
                self.add_error("participants", "Indiquez le nombre de participants.")
        elif kind:
            cleaned["participants"] = 1
            if not cleaned.get("age"):
                self.add_error("age", "Choisissez la tranche d’âge de la personne.")
            if not cleaned.get("status"):
                self.add_error("status", "Choisissez le statut de la personne.")
        return cleaned

    def is_single_person(self) -> bool:
        return self.cleaned_data.get("kind") in (Kind.INDIVIDUAL, Kind.ONE_OFF)

    def service_data(self) -> dict:
        """What the service expects, from the answers the form accepted (all of them once
        the form is valid)."""
        data = self.cleaned_data
        result = {
            name: data.get(name)
            for name in [
                "date",
                "kind",
                "channel",
                "participants",
                "returning",
                "themes",
                "tags",
                "duration",
                "minutes",
                "followup_individual",
                "followup_workshop",
                "aidants_connect",
            ]
        }
        result["place"] = data.get("place") or None
        result["commune"] = data.get("commune")
        for group, names in self.group_fields.items():
            prefix = GROUPS[group][0]
            result[group] = {
                name[len(prefix) + 1 :]: data[name] for name in names if data.get(name)
            }
        if self.is_single_person():
            for group, name in SINGLE_PERSON_FIELDS.items():
                result[group] = {data[name]: 1} if data.get(name) else {}
        return result

    def check_with_service(self, advisor):
        """The form refused some answers: add what the service's rules say of the others,
        so that every error shows in one pass (none twice)."""
        error = services.report_errors(advisor=advisor, data=self.service_data())
        if error is None:
            return
        skipped = set(self.errors)
        if {"kind", "participants"} & skipped:
            skipped |= DEPENDS_ON_PARTICIPANTS
        for group, name in SINGLE_PERSON_FIELDS.items():
            if name in skipped:
                skipped.add(group)
        remaining = {
            field: messages for field, messages in error.error_dict.items() if field not in skipped
        }
        if remaining:
            self.add_service_errors(ValidationError(remaining))

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
            if self.is_single_person():
                # One person: the error goes to the single answer (age or status).
                for group, name in SINGLE_PERSON_FIELDS.items():
                    if group in error.error_dict:
                        self.add_error(name, error.error_dict.pop(group))
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
            "kind": report.kind,
            "channel": report.channel,
            "place": str(report.place_id or ""),
            "commune": report.commune_id or "",
            "participants": report.participants,
            "returning": report.returning,
            "themes": report.themes,
            "tags": ", ".join(report.tags),
            "duration": report.duration,
            "minutes": report.minutes,
            "followup_individual": report.followup_individual,
            "followup_workshop": report.followup_workshop,
            "aidants_connect": report.aidants_connect,
        }
        for group, (prefix, enum) in GROUPS.items():
            values = getattr(report, group) or {}
            for value in enum.values:
                initial[f"{prefix}_{value}"] = values.get(value) or None
        if report.kind != Kind.WORKSHOP:
            for group, name in SINGLE_PERSON_FIELDS.items():
                values = [key for key, count in (getattr(report, group) or {}).items() if count]
                if len(values) == 1:
                    initial[name] = values[0]
        return initial


class HistoryFilterForm(DsfrBaseForm):
    start = forms.DateField(
        label="Du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Saisissez une date valide."},
    )
    end = forms.DateField(
        label="Au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Saisissez une date valide."},
    )
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
