"""The financial operator's workspace: instalments due, payments and counter-entries,
early ends of a post's funding, amounts to recover.

Readers: the financial operator and the national team (everything), a prefecture (its
territory), a structure manager (its own agreement). Only the first two write, and every
write goes through ``cnfs.funding.services``.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import has_active_role, role_required
from cnfs.common.money import euros
from cnfs.common.web import add_service_errors, csv_amount, csv_response
from cnfs.funding import services
from cnfs.funding.enums import PostFundingStatus, UnspentOutcome
from cnfs.funding.models import FundingAgreement, Instalment, Payment, PostFunding
from cnfs.www.funding.forms import (
    CounterEntryForm,
    InstalmentFilterForm,
    PaymentForm,
    PostEndForm,
    StructureFilterForm,
)

READERS = (Role.NATIONAL, Role.FINANCIAL, Role.PREFECTURE, Role.STRUCTURE)
OPERATORS = (Role.NATIONAL, Role.FINANCIAL)
PAGE_SIZE = 50
INDEX_TITLE = "Financement"


# --- Querysets ------------------------------------------------------------------------------


def _visible_posts(user):
    return PostFunding.objects.filter(agreement__in=FundingAgreement.objects.visible_to(user))


def _filter_structures(queryset, data: dict, prefix: str):
    """Apply the département and structure (name or SIRET) filters; ``prefix`` leads to the
    structure, e.g. ``"post__agreement__structure__"``."""
    if departement := data.get("departement"):
        queryset = queryset.filter(**{f"{prefix}departement": departement})
    if query := (data.get("q") or "").strip():
        condition = Q(**{f"{prefix}name__icontains": query})
        digits = query.replace(" ", "")
        if digits.isdigit():
            condition |= Q(**{f"{prefix}siret__startswith": digits})
        queryset = queryset.filter(condition)
    return queryset


def posts_to_recover(user):
    """Posts whose structure owes money back, annotated with ``paid`` and ``to_recover``."""
    return _visible_posts(user).with_recovery().filter(to_recover__gt=0)


def _sum(queryset, expression) -> int:
    return queryset.aggregate(total=Sum(expression))["total"] or 0


def _paginate(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.pages_list = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return page


# --- CSV ------------------------------------------------------------------------------------


# --- Pages ----------------------------------------------------------------------------------


@role_required(*READERS)
def index(request):
    """Instalments due (not cancelled, not fully paid), filtered, with totals and CSV."""
    form = InstalmentFilterForm(request.GET)
    form.is_valid()  # invalid filters are shown with their errors and left out
    data = form.cleaned_data
    today = date.today()
    due_before = data.get("due_before") or form.default_due_before()

    in_scope = _filter_structures(
        Instalment.objects.visible_to(request.user), data, "post__agreement__structure__"
    )
    listed = in_scope.filter(cancelled=False, due_date__lte=due_before)
    if data.get("late"):
        listed = listed.filter(due_date__lt=today)
    listed = (
        listed.annotate(paid=Coalesce(Sum("payments__amount_cents"), 0))
        .filter(paid__lt=F("amount_cents"))
        .select_related("post__agreement__structure__departement")
        .order_by("due_date", "id")
    )

    if request.GET.get("format") == "csv":
        return _instalments_csv(listed, today)

    totals = {
        "due": _sum(listed, F("amount_cents") - F("paid")),
        "paid": _sum(Payment.objects.filter(instalment__in=in_scope), "amount_cents"),
        "to_recover": _sum(
            _filter_structures(posts_to_recover(request.user), data, "agreement__structure__"),
            "to_recover",
        ),
    }
    page = _paginate(request, listed)
    for instalment in page:
        instalment.amount_label = euros(instalment.amount_cents)
        instalment.paid_label = euros(instalment.paid)
        instalment.remaining_label = euros(instalment.amount_cents - instalment.paid)
        instalment.is_late = instalment.due_date < today
    return render(
        request,
        "funding/index.html",
        {
            "form": form,
            "page_obj": page,
            "due_before": due_before,
            "totals": {key: euros(value) for key, value in totals.items()},
            "can_pay": has_active_role(request.user, *OPERATORS),
            "page_title": "Échéances à verser",
            "breadcrumb_data": {"links": [], "current": INDEX_TITLE},
        },
    )


def _instalments_csv(listed, today):
    header = [
        "Convention",
        "Structure",
        "SIRET",
        "Département",
        "Poste",
        "Échéance",
        "Montant (€)",
        "Déjà versé (€)",
        "Reste à verser (€)",
        "En retard",
    ]
    rows = (
        [
            i.post.agreement.number,
            i.post.agreement.structure.name,
            i.post.agreement.structure.siret,
            i.post.agreement.structure.departement_id,
            f"Poste n° {i.post.post_id}",
            i.due_date.strftime("%d/%m/%Y"),
            csv_amount(i.amount_cents),
            csv_amount(i.paid),
            csv_amount(i.amount_cents - i.paid),
            "oui" if i.due_date < today else "non",
        ]
        for i in listed.iterator(chunk_size=2000)
    )
    return csv_response(f"echeances-{today:%Y-%m-%d}.csv", header, rows)


@role_required(*READERS)
def agreement_detail(request, pk):
    agreement = get_object_or_404(
        FundingAgreement.objects.visible_to(request.user).select_related("structure__departement"),
        pk=pk,
    )
    payments = Payment.objects.select_related("corrects", "correction").order_by("paid_on", "id")
    instalments = Instalment.objects.annotate(
        paid=Coalesce(Sum("payments__amount_cents"), 0)
    ).prefetch_related(Prefetch("payments", queryset=payments))
    posts = list(
        agreement.posts.with_recovery()
        .select_related("carried_from")
        .prefetch_related(Prefetch("instalments", queryset=instalments), "carried_to")
        .order_by("start_date", "id")
    )
    today = date.today()
    for post in posts:
        post.amount_label = euros(post.amount_cents)
        post.unspent_label = euros(post.unspent_cents)
        post.to_recover_label = euros(post.to_recover)
        for instalment in post.instalments.all():
            instalment.amount_label = euros(instalment.amount_cents)
            instalment.paid_label = euros(instalment.paid)
            instalment.remaining_label = euros(
                0 if instalment.cancelled else instalment.amount_cents - instalment.paid
            )
            instalment.payable = not instalment.cancelled and instalment.paid < (
                instalment.amount_cents
            )
            instalment.is_late = instalment.payable and instalment.due_date < today
            for payment in instalment.payments.all():
                payment.amount_label = euros(payment.amount_cents)
                payment.is_counter_entry = payment.corrects_id is not None
                payment.is_corrected = _has_correction(payment)
    structure = agreement.structure
    return render(
        request,
        "funding/agreement.html",
        {
            "agreement": agreement,
            "structure": structure,
            "posts": posts,
            "committed": euros(structure.committed_subsidy_cents),
            "can_write": has_active_role(request.user, *OPERATORS),
            "running": PostFundingStatus.RUNNING,
            "page_title": f"Convention {agreement.number}",
            "breadcrumb_data": {
                "links": [{"url": reverse("funding:index"), "title": INDEX_TITLE}],
                "current": f"Convention {agreement.number}",
            },
        },
    )


def _has_correction(payment) -> bool:
    try:
        return payment.correction is not None
    except Payment.correction.RelatedObjectDoesNotExist:
        return False


def _agreement_url(agreement_id: int) -> str:
    return reverse("funding:agreement", args=[agreement_id])


def _agreement_breadcrumb(agreement, current: str) -> dict:
    return {
        "links": [
            {"url": reverse("funding:index"), "title": INDEX_TITLE},
            {"url": _agreement_url(agreement.pk), "title": f"Convention {agreement.number}"},
        ],
        "current": current,
    }


@role_required(*OPERATORS)
def record_payment(request, pk):
    instalment = get_object_or_404(
        Instalment.objects.visible_to(request.user)
        .select_related("post__agreement__structure")
        .annotate(paid=Coalesce(Sum("payments__amount_cents"), 0)),
        pk=pk,
    )
    agreement = instalment.post.agreement
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.record_payment(
                instalment,
                paid_on=form.cleaned_data["paid_on"],
                amount=form.cleaned_data["amount"],
                reference=form.cleaned_data["reference"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Versement {payment.reference} de {euros(payment.amount_cents)} enregistré.",
            )
            return redirect(_agreement_url(agreement.pk))
    return render(
        request,
        "funding/pay.html",
        {
            "form": form,
            "instalment": instalment,
            "agreement": agreement,
            "remaining": euros(instalment.amount_cents - instalment.paid),
            "page_title": "Enregistrer un versement",
            "breadcrumb_data": _agreement_breadcrumb(agreement, "Enregistrer un versement"),
        },
    )


@role_required(*OPERATORS)
def counter_entry(request, pk):
    payment = get_object_or_404(
        Payment.objects.filter(
            instalment__in=Instalment.objects.visible_to(request.user)
        ).select_related("instalment__post__agreement__structure"),
        pk=pk,
    )
    agreement = payment.instalment.post.agreement
    form = CounterEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.counter_entry(payment, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Versement {payment.reference} contre-passé.")
            return redirect(_agreement_url(agreement.pk))
    return render(
        request,
        "funding/counter_entry.html",
        {
            "form": form,
            "payment": payment,
            "agreement": agreement,
            "amount": euros(payment.amount_cents),
            "page_title": "Contre-passer un versement",
            "breadcrumb_data": _agreement_breadcrumb(agreement, "Contre-passer un versement"),
        },
    )


@role_required(*OPERATORS)
def end_post(request, pk):
    """End a post's funding early; once ended, the page shows the computed unspent part."""
    post = get_object_or_404(
        _visible_posts(request.user).select_related("agreement__structure"), pk=pk
    )
    agreement = post.agreement
    ended = post.status == PostFundingStatus.ENDED_EARLY
    form = None if ended else PostEndForm(request.POST or None)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.end_post_funding(
                post, end_date=form.cleaned_data["end_date"], carry=form.carry, by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Fin anticipée du financement enregistrée.")
            return redirect(reverse("funding:end_post", args=[post.pk]))
    return render(
        request,
        "funding/end_post.html",
        {
            "form": form,
            "post": post,
            "agreement": agreement,
            "amount": euros(post.amount_cents),
            "unspent": euros(post.unspent_cents),
            "to_recover": euros(services.to_recover_cents(post)) if ended else None,
            "to_recover_outcome": UnspentOutcome.TO_RECOVER,
            "period_end": services.add_years(post.start_date, services.SUBSIDY_YEARS),
            "page_title": "Fin anticipée du financement d’un poste",
            "breadcrumb_data": _agreement_breadcrumb(agreement, "Fin anticipée"),
        },
    )


@role_required(*READERS)
def recoveries(request):
    """Amounts the structures owe back (posts ended early, unspent part to recover)."""
    form = StructureFilterForm(request.GET)
    form.is_valid()
    posts = (
        _filter_structures(
            posts_to_recover(request.user), form.cleaned_data, "agreement__structure__"
        )
        .select_related("agreement__structure__departement")
        .order_by("ended_on", "id")
    )
    if request.GET.get("format") == "csv":
        return _recoveries_csv(posts)
    total = _sum(posts, "to_recover")
    page = _paginate(request, posts)
    for post in page:
        post.amount_label = euros(post.amount_cents)
        post.unspent_label = euros(post.unspent_cents)
        post.paid_label = euros(post.paid)
        post.to_recover_label = euros(post.to_recover)
    return render(
        request,
        "funding/recoveries.html",
        {
            "form": form,
            "page_obj": page,
            "total": euros(total),
            "page_title": "Montants à reverser",
            "breadcrumb_data": {
                "links": [{"url": reverse("funding:index"), "title": INDEX_TITLE}],
                "current": "Montants à reverser",
            },
        },
    )


def _recoveries_csv(posts):
    header = [
        "Convention",
        "Structure",
        "SIRET",
        "Département",
        "Poste",
        "Début du contrat",
        "Fin anticipée",
        "Subvention du poste (€)",
        "Reliquat (€)",
        "Versé (€)",
        "À reverser (€)",
    ]
    rows = (
        [
            p.agreement.number,
            p.agreement.structure.name,
            p.agreement.structure.siret,
            p.agreement.structure.departement_id,
            f"Poste n° {p.post_id}",
            p.start_date.strftime("%d/%m/%Y"),
            p.ended_on.strftime("%d/%m/%Y") if p.ended_on else "",
            csv_amount(p.amount_cents),
            csv_amount(p.unspent_cents),
            csv_amount(p.paid),
            csv_amount(p.to_recover),
        ]
        for p in posts.iterator(chunk_size=2000)
    )
    return csv_response(f"a-reverser-{date.today():%Y-%m-%d}.csv", header, rows)
