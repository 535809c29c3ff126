"""The national team's recruitment and training pages, the advisors in post, and where posts
lack candidates.

Every write goes through ``cnfs.contracts.services``; the forms below only validate input.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import role_required
from cnfs.accounts.scope import active_role
from cnfs.common.money import euros
from cnfs.common.web import add_service_errors, csv_amount, csv_response
from cnfs.contracts import services
from cnfs.contracts.enums import ContractStatus, TrainingStatus
from cnfs.contracts.models import Contract, Training
from cnfs.matching.shortage import national_shortage
from cnfs.territories.models import Departement

PER_PAGE = 50
ADVISOR_READERS = (Role.NATIONAL, Role.PREFECTURE, Role.STRUCTURE)
SHORTAGE_READERS = (Role.NATIONAL, Role.PREFECTURE)
TO_VALIDATE_TITLE = "Recrutements à valider"
ADVISORS_CRUMB_TITLE = "Conseillers en poste"
LEVEL_LABELS = {1: "débutant", 2: "intermédiaire", 3: "confirmé"}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
INVALID_DATE = "Saisissez une date valide (jj/mm/aaaa)."


def _crumbs(*links, current):
    return {"links": [{"url": url, "title": title} for url, title in links], "current": current}


def _departements_in_scope(role):
    """The départements a filter offers: none for a structure manager (a single place)."""
    if role.kind == Role.STRUCTURE:
        return None
    departements = Departement.objects.order_by("code")
    if role.kind == Role.PREFECTURE:
        departements = departements.filter(
            Q(code__in=role.departements) | Q(region_id__in=role.regions)
        )
    return list(departements)


def _paginate(request, queryset):
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    page.pages_list = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return page


# --- Recruitments awaiting validation -------------------------------------------------------


def _requested_contracts():
    return Contract.objects.filter(status=ContractStatus.REQUESTED).select_related(
        "structure__departement", "candidate__commune"
    )


def _terms(contract) -> str:
    period = f"du {contract.start_date:%d/%m/%Y}"
    if contract.end_date:
        period += f" au {contract.end_date:%d/%m/%Y}"
    hours = f"{contract.weekly_hours.normalize():f}".replace(".", ",")
    return (
        f"{contract.get_kind_display()} {period}, {hours} h par semaine, "
        f"{euros(contract.gross_monthly_salary_cents)} brut par mois"
    )


@role_required(Role.NATIONAL)
def to_validate(request):
    page = _paginate(request, _requested_contracts().order_by("requested_at", "pk"))
    for contract in page:
        contract.terms = _terms(contract)
    return render(
        request,
        "contracts/to_validate.html",
        {
            "page_obj": page,
            "contracts": page.object_list,
            "page_title": TO_VALIDATE_TITLE,
            "breadcrumb_data": _crumbs(current=TO_VALIDATE_TITLE),
        },
    )


def _decision_context(contract, title, **extra):
    return {
        "contract": contract,
        "terms": _terms(contract),
        "page_title": title,
        "breadcrumb_data": _crumbs(
            (reverse("contracts:to_validate"), TO_VALIDATE_TITLE), current=title
        ),
        **extra,
    }


class ValidateForm(DsfrBaseForm):
    derogation = forms.CharField(
        label="Motif de la dérogation au temps plein",
        required=False,
        max_length=1000,
        help_text="Obligatoire pour un contrat de moins de 35 h par semaine : le programme "
        "finance des postes à temps plein.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@role_required(Role.NATIONAL)
def validate(request, pk):
    """A confirmation page: the recruitment is validated only by its POST."""
    contract = get_object_or_404(_requested_contracts(), pk=pk)
    form = ValidateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.validate_recruitment(
                contract, derogation=form.cleaned_data["derogation"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Le recrutement de {contract.candidate} par {contract.structure} est validé : "
                "sa formation initiale est à planifier.",
            )
            return redirect("contracts:to_validate")
    title = f"Valider le recrutement de {contract.candidate}"
    context = _decision_context(
        contract,
        ("Erreur — " if form.errors else "") + title,
        form=form,
        heading=title,
        part_time=services.is_part_time(contract.weekly_hours),
    )
    return render(request, "contracts/validate.html", context)


class RejectForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif du refus",
        max_length=1000,
        help_text="Il est enregistré avec la décision, dans l’historique de la mise en relation.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Indiquez le motif du refus."},
    )


@role_required(Role.NATIONAL)
def reject(request, pk):
    contract = get_object_or_404(_requested_contracts(), pk=pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reject_recruitment(
                contract, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Le recrutement de {contract.candidate} est refusé.")
            return redirect("contracts:to_validate")
    title = f"Refuser le recrutement de {contract.candidate}"
    context = _decision_context(
        contract, ("Erreur — " if form.errors else "") + title, form=form, heading=title
    )
    return render(request, "contracts/reject.html", context)


# --- Advisors in post -----------------------------------------------------------------------

TRAINING_FILTERS = [
    (TrainingStatus.PLANNED, "Prévue"),
    (TrainingStatus.IN_PROGRESS, "En cours"),
    ("late", "En retard (fin prévue dépassée)"),
    (TrainingStatus.COMPLETED, "Terminée (opérationnel)"),
]


class AdvisorFilterForm(DsfrBaseForm):
    departement = forms.ChoiceField(label="Département", required=False)
    training = forms.ChoiceField(
        label="Formation", required=False, choices=[("", "Toutes")] + TRAINING_FILTERS
    )
    certified = forms.ChoiceField(
        label="Certification",
        required=False,
        choices=[("", "Toutes"), ("yes", "Certifié(e)"), ("no", "Pas encore certifié(e)")],
    )

    def __init__(self, *args, departements=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departements is None:
            del self.fields["departement"]
        else:
            self.fields["departement"].choices = [("", "Tous les départements")] + [
                (d.code, f"{d.code} — {d.name}") for d in departements
            ]

    def filter(self, advisors, today):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("departement"):
            advisors = advisors.filter(structure__departement_id=data["departement"])
        training = data.get("training")
        if training == "late":
            advisors = advisors.filter(_late(today))
        elif training:
            advisors = advisors.filter(training_status=training)
        if data.get("certified") == "yes":
            advisors = advisors.filter(training_certified=True)
        elif data.get("certified") == "no":
            advisors = advisors.filter(
                Q(training_certified=False) | Q(training_certified__isnull=True)
            )
        return advisors

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


def _late(today):
    """The rule of ``services.late_trainings``, on the annotated advisors."""
    return Q(training_status=TrainingStatus.LATE)


def advisors_in_post(user, today=None):
    """Contracts in force in ``user``'s scope, with the advisor's latest initial training.

    The training is looked up by person, not by contract: a renewed contract is a new
    contract, while the training stays attached to the first one.
    """
    today = today or timezone.localdate()
    latest = (
        Training.objects.filter(contract__candidate=OuterRef("candidate_id"))
        .with_stage(today)
        .annotate(certified_by_now=Q(certified=True, certified_on__lte=today))
        .order_by("-contract__start_date", "-pk")
    )
    return (
        Contract.objects.visible_to(user)
        .in_post(today)
        .annotate(
            training_pk=Subquery(latest.values("pk")[:1]),
            training_status=Subquery(latest.values("stage")[:1]),
            training_end=Subquery(latest.values("end_date")[:1]),
            training_certified=Subquery(latest.values("certified_by_now")[:1]),
        )
    )


def _counts(advisors, today) -> list[tuple[str, int]]:
    figures = advisors.aggregate(
        in_post=Count("pk"),
        in_training=Count("pk", filter=Q(training_status=TrainingStatus.IN_PROGRESS)),
        late=Count("pk", filter=_late(today)),
        operational=Count("pk", filter=Q(training_status=TrainingStatus.COMPLETED)),
        certified=Count("pk", filter=Q(training_certified=True)),
    )
    return [
        ("En poste", figures["in_post"]),
        ("En formation", figures["in_training"]),
        ("Formation en retard", figures["late"]),
        ("Opérationnels (formation terminée)", figures["operational"]),
        ("Certifiés", figures["certified"]),
    ]


def _yes_no(value) -> str:
    return {True: "oui", False: "non"}.get(value, "")


def _advisors_csv(advisors, today):
    advisors = list(advisors.select_related("candidate", "structure__departement"))
    trainings = Training.objects.in_bulk([a.training_pk for a in advisors if a.training_pk])
    rows = []
    for contract in advisors:
        training = trainings.get(contract.training_pk)
        rows.append(
            [
                contract.candidate.last_name,
                contract.candidate.first_name,
                contract.structure.name,
                contract.structure.siret,
                contract.structure.departement_id,
                contract.get_kind_display(),
                f"{contract.start_date:%d/%m/%Y}",
                f"{contract.end_date:%d/%m/%Y}" if contract.end_date else "",
                training.get_status_display() if training else "",
                training.organisation if training else "",
                f"{training.end_date:%d/%m/%Y}" if training and training.end_date else "",
                _yes_no(training.end_date < today and not training.operational)
                if training and training.end_date
                else "",
                f"{training.completed_on:%d/%m/%Y}" if training and training.completed_on else "",
                _yes_no(training.certified) if training else "",
                f"{training.certified_on:%d/%m/%Y}" if training and training.certified_on else "",
                csv_amount(_total_cost(training)) if training else "",
            ]
        )
    return csv_response(
        "conseillers-en-poste.csv",
        [
            "Nom",
            "Prénom",
            "Structure",
            "SIRET",
            "Département",
            "Contrat",
            "Début",
            "Fin",
            "Formation",
            "Organisme",
            "Fin prévue",
            "En retard",
            "Terminée le",
            "Certifié(e)",
            "Certifié(e) le",
            "Coût formation, certification et équipement (€)",
        ],
        rows,
    )


def _total_cost(training) -> int:
    return (
        training.training_cost_cents
        + training.certification_cost_cents
        + training.equipment_cost_cents
    )


@role_required(*ADVISOR_READERS)
def advisors(request):
    role = active_role(request.user)
    today = timezone.localdate()
    form = AdvisorFilterForm(request.GET or None, departements=_departements_in_scope(role))
    in_scope = advisors_in_post(request.user)
    filtered = form.filter(in_scope, today).order_by(
        "candidate__last_name", "candidate__first_name", "pk"
    )
    if request.GET.get("format") == "csv":
        return _advisors_csv(filtered, today)
    page = _paginate(request, filtered.select_related("candidate", "structure__departement"))
    trainings = Training.objects.in_bulk([c.training_pk for c in page if c.training_pk])
    for contract in page:
        contract.initial_training = trainings.get(contract.training_pk)
        training = contract.initial_training
        contract.is_late = bool(
            training
            and training.end_date
            and training.end_date < today
            and not training.operational
        )
    title = {Role.STRUCTURE: "Mes conseillers"}.get(role.kind, ADVISORS_CRUMB_TITLE)
    return render(
        request,
        "contracts/advisors.html",
        {
            "form": form,
            "page_obj": page,
            "contracts": page.object_list,
            "counts": _counts(in_scope, today),
            "is_national": role.kind == Role.NATIONAL,
            "page_title": title,
            "breadcrumb_data": _crumbs(current=title),
        },
    )


# --- Initial training -----------------------------------------------------------------------

CERTIFIED_CHOICES = [("", "Pas encore connue"), ("yes", "Obtenue"), ("no", "Non obtenue")]


class TrainingForm(DsfrBaseForm):
    positioning_level = forms.TypedChoiceField(
        label="Résultat du positionnement",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Pas encore positionné(e)")]
        + [
            (level, f"Niveau {level} ({LEVEL_LABELS[level]}) : formation de {weeks} semaines")
            for level, weeks in sorted(services.TRAINING_WEEKS.items())
        ],
        help_text="Il fixe la durée de la formation, de 3 semaines à 3 mois.",
    )
    organisation = forms.CharField(label="Organisme de formation", max_length=200, required=False)
    start_date = forms.DateField(
        label="Début de la formation",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": INVALID_DATE},
    )
    end_date = forms.DateField(
        label="Fin prévue",
        required=False,
        widget=DATE_WIDGET,
        help_text="Laissée vide, elle est calculée : début + durée prévue.",
        error_messages={"invalid": INVALID_DATE},
    )
    completed_on = forms.DateField(
        label="Formation terminée le",
        required=False,
        widget=DATE_WIDGET,
        help_text="Le conseiller est opérationnel dès la formation terminée.",
        error_messages={"invalid": INVALID_DATE},
    )
    certified = forms.ChoiceField(
        label="Résultat de la certification", required=False, choices=CERTIFIED_CHOICES
    )
    certified_on = forms.DateField(
        label="Certification obtenue le",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": INVALID_DATE},
    )

    def __init__(self, *args, training, **kwargs):
        super().__init__(*args, **kwargs)
        self.training = training
        if not self.is_bound:
            self.initial = {
                "positioning_level": training.positioning_level,
                "organisation": training.organisation,
                "start_date": training.start_date,
                "end_date": training.end_date,
                "completed_on": training.completed_on,
                "certified": {True: "yes", False: "no"}.get(training.certified, ""),
                "certified_on": training.certified_on,
            }

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("positioning_level")
        weeks = services.TRAINING_WEEKS.get(level) or self.training.planned_weeks
        if cleaned.get("start_date") and not cleaned.get("end_date") and weeks:
            cleaned["end_date"] = cleaned["start_date"] + timedelta(weeks=weeks)
        return cleaned

    def record_data(self) -> dict:
        """What services.record_training expects (None: left as it is)."""
        data = dict(self.cleaned_data)
        data["organisation"] = data["organisation"] or None
        data["certified"] = {"yes": True, "no": False}.get(data["certified"])
        return data


@role_required(Role.NATIONAL)
def training_record(request, pk):
    training = get_object_or_404(
        Training.objects.visible_to(request.user).select_related(
            "contract__candidate", "contract__structure__departement"
        ),
        pk=pk,
    )
    form = TrainingForm(request.POST or None, training=training)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_training(training, by=request.user, **form.record_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "La formation est enregistrée.")
            return redirect("contracts:training", pk=training.pk)
    candidate = training.contract.candidate
    title = f"Formation initiale de {candidate}"
    return render(
        request,
        "contracts/training.html",
        {
            "form": form,
            "training": training,
            "contract": training.contract,
            "is_late": services.late_trainings().filter(pk=training.pk).exists(),
            "costs": [
                ("Formation", euros(training.training_cost_cents)),
                ("Certification", euros(training.certification_cost_cents)),
                ("Équipement", euros(training.equipment_cost_cents)),
                ("Total", euros(_total_cost(training))),
            ],
            "heading": title,
            "page_title": ("Erreur — " if form.errors else "") + title,
            "breadcrumb_data": _crumbs(
                (reverse("contracts:advisors"), ADVISORS_CRUMB_TITLE), current=title
            ),
        },
    )


# --- Where posts lack candidates ------------------------------------------------------------

SHORTAGE_TITLE = "Où les postes manquent de candidats"


@role_required(*SHORTAGE_READERS)
def shortage(request):
    role = active_role(request.user)
    report = national_shortage()
    names = dict(Departement.objects.values_list("code", "name"))
    rows = report.rows
    if role.kind == Role.PREFECTURE:
        territory = {d.code for d in _departements_in_scope(role)}
        rows = [row for row in rows if row.departement in territory]
    if request.GET.get("format") == "csv":
        return csv_response(
            "postes-sans-candidats.csv",
            [
                "Département",
                "Nom",
                "Postes ouverts",
                "Candidats à portée",
                "Postes pourvoyables à la fois",
                "Postes sans candidat",
            ],
            [
                [
                    row.departement,
                    names.get(row.departement, ""),
                    row.open_posts,
                    row.within_reach,
                    row.fillable,
                    row.gap,
                ]
                for row in rows
            ],
        )
    return render(
        request,
        "contracts/shortage.html",
        {
            "rows": [{"row": row, "name": names.get(row.departement, "")} for row in rows],
            "report": report,
            "is_national": role.kind == Role.NATIONAL,
            "page_title": SHORTAGE_TITLE,
            "breadcrumb_data": _crumbs(current=SHORTAGE_TITLE),
        },
    )


# --- Contract ends awaiting validation ------------------------------------------------------

ENDS_TITLE = "Fins de contrat à valider"


def _end_requests():
    return Contract.objects.filter(status=ContractStatus.END_REQUESTED).select_related(
        "structure__departement", "candidate"
    )


@role_required(Role.NATIONAL)
def end_requests(request):
    page = _paginate(request, _end_requests().order_by("end_requested_at", "pk"))
    return render(
        request,
        "contracts/end_requests.html",
        {
            "page_obj": page,
            "contracts": page.object_list,
            "page_title": ENDS_TITLE,
            "breadcrumb_data": _crumbs(current=ENDS_TITLE),
        },
    )


@role_required(Role.NATIONAL)
def end_decision(request, pk, decision):
    """Validate (a confirmation page) or refuse (with a reason) a contract's end."""
    contract = get_object_or_404(_end_requests(), pk=pk)
    form = RejectForm(request.POST or None) if decision == "refuse" else ValidateForm()
    if request.method == "POST" and (decision == "validate" or form.is_valid()):
        try:
            if decision == "validate":
                services.validate_contract_end(contract, by=request.user)
            else:
                services.refuse_contract_end(
                    contract, reason=form.cleaned_data["reason"], by=request.user
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = "validée" if decision == "validate" else "refusée"
            messages.success(request, f"La fin du contrat de {contract.candidate} est {done}.")
            return redirect("contracts:end_requests")
    verb = "Valider" if decision == "validate" else "Refuser"
    title = f"{verb} la fin du contrat de {contract.candidate}"
    context = {
        "contract": contract,
        "terms": _terms(contract),
        "form": form,
        "decision": decision,
        "page_title": ("Erreur — " if form.errors else "") + title,
        "heading": title,
        "breadcrumb_data": _crumbs((reverse("contracts:end_requests"), ENDS_TITLE), current=title),
    }
    return render(request, "contracts/end_decision.html", context)
