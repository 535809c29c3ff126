from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cnfs.notifications import devmail, services
from cnfs.notifications.kinds import ESSENTIAL, OPTIONAL, Kind


@login_required
def notification_list(request):
    notifications = list(request.user.notifications.all()[:100])
    return render(
        request,
        "notifications/list.html",
        {"notifications": notifications, "page_title": "Mes notifications"},
    )


@login_required
@require_POST
def mark_read(request):
    services.mark_all_read(request.user)
    return redirect("notifications:list")


class PreferencesForm(forms.Form):
    enabled = forms.MultipleChoiceField(
        label="Recevoir par e-mail",
        choices=[(k.value, k.label) for k in OPTIONAL],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


@login_required
def preferences(request):
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            enabled = set(form.cleaned_data["enabled"])
            services.set_preferences(
                request.user, disabled=[k for k in OPTIONAL if k.value not in enabled]
            )
            messages.success(request, "Vos préférences sont enregistrées.")
            return redirect("notifications:preferences")
    else:
        disabled = services.disabled_kinds(request.user)
        form = PreferencesForm(
            initial={"enabled": [k.value for k in OPTIONAL if k not in disabled]}
        )
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "essential": [Kind(k).label for k in Kind if k in ESSENTIAL],
            "page_title": "Préférences de notification",
        },
    )


def _require_debug():
    # Development only: in production the page does not exist (everyone may read it in
    # ``make run``, where all accounts are demo accounts).
    if not settings.DEBUG:
        raise Http404


def mailbox(request):
    _require_debug()
    items = [
        {"name": name, "to": m["To"], "subject": m["Subject"], "date": m["Date"]}
        for name, m in devmail.messages()
    ]
    return render(
        request, "notifications/mailbox.html", {"items": items, "page_title": "Courriels envoyés"}
    )


def mailbox_message(request, name):
    _require_debug()
    message = devmail.message(name)
    if message is None:
        raise Http404
    body = message.get_body(preferencelist=("plain",))
    return render(
        request,
        "notifications/mailbox_message.html",
        {
            "message": message,
            "body": body.get_content() if body else "",
            "page_title": message["Subject"],
        },
    )
