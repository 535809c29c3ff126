"""The advisor's activity pages: record a report from a phone, edit, duplicate, delete,
the history, and the CSV import. Another advisor's report is "not found"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import role_required
from cnfs.activity import imports, services
from cnfs.activity.enums import Body, Theme
from cnfs.activity.models import Report
from cnfs.contracts.services import current_contract
from cnfs.www.activity.forms import HistoryFilterForm, ImportForm, ReportForm

PER_PAGE = 50
THEME_LABELS = dict(Theme.choices)
HISTORY_CRUMB = {"url": "/activite/", "title": "Mes comptes rendus"}


def _own(request):
    return Report.objects.filter(advisor=request.user)


def _report_page(request, form, *, title, report=None, action=None):
    if form.errors:
        form.focus_first_error()
    return render(
        request,
        "activity/form.html",
        {
            "form": form,
            "report": report,
            "action": action or request.path,
            "no_contract": report is None and current_contract(request.user) is None,
            "page_title": ("Erreur — " if form.errors else "") + title,
            "breadcrumb_data": {"links": [HISTORY_CRUMB], "current": title},
        },
    )


def _after_save(request, message):
    messages.success(request, message)
    if request.POST.get("next") == "new":
        return redirect("activity:new")
    return redirect("activity:history")


@role_required(Role.ADVISOR)
def new(request):
    form = ReportForm(request.POST or None, advisor=request.user)
    if request.method == "POST":
        if not form.is_valid():
            form.check_with_service(request.user)
        else:
            try:
                services.create_report(
                    advisor=request.user,
                    data=form.service_data(),
                    client_key=form.cleaned_data["client_key"] or None,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return _after_save(request, "Compte rendu enregistré.")
    return _report_page(request, form, title="Nouveau compte rendu d’activité")


@role_required(Role.ADVISOR)
def duplicate(request, pk):
    report = get_object_or_404(_own(request), pk=pk)
    form = ReportForm(initial=ReportForm.initial_from(report), advisor=request.user)
    return _report_page(
        request, form, title="Nouveau compte rendu (copie)", action=reverse("activity:new")
    )


@role_required(Role.ADVISOR)
def edit(request, pk):
    report = get_object_or_404(_own(request), pk=pk)
    if request.method == "POST":
        form = ReportForm(request.POST, advisor=request.user)
    else:
        initial = ReportForm.initial_from(report) | {"date": report.date}
        form = ReportForm(initial=initial, advisor=request.user)
    if request.method == "POST":
        if not form.is_valid():
            form.check_with_service(request.user)
        else:
            try:
                services.update_report(report, data=form.service_data(), by=request.user)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return _after_save(request, "Compte rendu modifié.")
    return _report_page(
        request, form, title=f"Modifier le compte rendu du {report.date:%d/%m/%Y}", report=report
    )


@role_required(Role.ADVISOR)
def delete(request, pk):
    report = get_object_or_404(_own(request).select_related("place"), pk=pk)
    if request.method == "POST":
        services.delete_report(report, by=request.user)
        messages.success(request, "Compte rendu supprimé.")
        return redirect("activity:history")
    title = f"Supprimer le compte rendu du {report.date:%d/%m/%Y}"
    return render(
        request,
        "activity/delete.html",
        {
            "report": report,
            "theme_labels": [THEME_LABELS[t] for t in report.themes],
            "page_title": title,
            "breadcrumb_data": {"links": [HISTORY_CRUMB], "current": "Supprimer"},
        },
    )


@role_required(Role.ADVISOR)
def history(request):
    form = HistoryFilterForm(request.GET or None)
    reports = form.filter(_own(request)).select_related("place", "commune").order_by("-date", "-id")
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    for report in page:
        report.theme_labels = [THEME_LABELS[t] for t in report.themes]
    title = "Mes comptes rendus d’activité"
    return render(
        request,
        "activity/history.html",
        {
            "form": form,
            "page_obj": page,
            "reports": page.object_list,
            "is_filtered": form.is_bound and any(form.data.get(k) for k in form.fields),
            "page_title": title,
            "breadcrumb_data": {"links": [], "current": title},
        },
    )


@role_required(Role.ADVISOR)
def import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        result = imports.import_reports(form.cleaned_data["file"], advisor=request.user)
        if result.ok:
            messages.success(
                request,
                f"{result.created} compte(s) rendu(s) importé(s)"
                + (f", {result.existing} déjà présent(s)." if result.existing else "."),
            )
            return redirect("activity:history")
        errors = result.errors
    title = "Importer des comptes rendus"
    return render(
        request,
        "activity/import.html",
        {
            "form": form,
            "errors": errors,
            "columns": imports.COLUMNS,
            "required_columns": imports.REQUIRED_COLUMNS,
            "max_rows": imports.MAX_ROWS,
            "max_size": imports.MAX_BYTES_LABEL,
            "themes": Theme.choices,
            "bodies": Body.choices,
            "page_title": ("Erreur — " if errors or form.errors else "") + title,
            "breadcrumb_data": {"links": [HISTORY_CRUMB], "current": "Importer"},
        },
    )
