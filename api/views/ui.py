"""Signed-in pages: an organisation's API keys and webhooks (its applicant members), regulator service
accounts (the administrator). A new key or signing secret is shown once, on the page answering the POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api import forms, services
from api.models import ApiKey, ServiceAccount, WebhookDelivery, WebhookEndpoint
from cases.models import Organisation

DELIVERIES_SHOWN = 50


def _error_text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


def _managed(user):
    organisations = services.managed_organisations(user)
    if not services.may_manage_all(user) and not organisations.exists():
        raise PermissionDenied
    return organisations


def _organisation(user, pk) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not services.may_manage_organisation(user, organisation):
        raise Http404
    return organisation


def _account(user, pk) -> ServiceAccount:
    account = get_object_or_404(ServiceAccount.objects.select_related("organisation"), pk=pk)
    allowed = (
        services.may_manage_all(user)
        if account.is_regulator
        else services.may_manage_organisation(user, account.organisation)
    )
    if not allowed:
        raise Http404
    return account


@login_required
@never_cache
def key_list(request):
    organisations = list(_managed(request.user).order_by("name")[:50])
    accounts = {
        account.organisation_id: account for account in ServiceAccount.objects.filter(organisation__in=organisations)
    }
    keys = ApiKey.objects.filter(account__organisation__in=organisations).select_related("account", "created_by")
    rows = [
        {
            "organisation": organisation,
            "keys": [key for key in keys if key.account.organisation_id == organisation.pk],
            "form": forms.KeyForm(regulator=False, prefix=f"org{organisation.pk}"),
            "account": accounts.get(organisation.pk),
        }
        for organisation in organisations
    ]
    context = {"rows": rows, "is_admin": services.may_manage_all(request.user)}
    if context["is_admin"]:
        context["regulator_accounts"] = [
            (account, forms.KeyForm(regulator=True, prefix=f"acc{account.pk}"))
            for account in forms.regulator_accounts()
        ]
        context["account_form"] = forms.RegulatorAccountForm()
    return render(request, "api/keys.html", context)


def _shown_once(request, *, title, secret, back, note):
    response = render(request, "api/secret_once.html", {"title": title, "secret": secret, "back": back, "note": note})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@never_cache
def key_create(request, organisation_pk):
    organisation = _organisation(request.user, organisation_pk)
    form = forms.KeyForm(request.POST, regulator=False, prefix=f"org{organisation.pk}")
    return _create_key(
        request, form, lambda: services.organisation_account(organisation=organisation, actor=request.user)
    )


@login_required
@require_POST
@never_cache
def regulator_key_create(request, account_pk):
    account = _account(request.user, account_pk)
    if not account.is_regulator:
        raise Http404
    form = forms.KeyForm(request.POST, regulator=True, prefix=f"acc{account.pk}")
    return _create_key(request, form, lambda: account)


def _create_key(request, form, account):
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("api_keys:index")
    data = form.cleaned_data
    try:
        key, raw = services.api_key_create(
            account=account(),
            actor=request.user,
            name=data["name"],
            scopes=data["scopes"],
            expires_on=data["expires_on"],
            rate_per_minute=data["rate_per_minute"],
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
        return redirect("api_keys:index")
    return _shown_once(
        request,
        title=_("API key “%(name)s” created") % {"name": key.name},
        secret=raw,
        back="api_keys:index",
        note=_("Copy the key now: it is stored only as a digest and cannot be shown again."),
    )


@login_required
@require_POST
def regulator_account_create(request):
    form = forms.RegulatorAccountForm(request.POST)
    if form.is_valid():
        try:
            services.regulator_account_create(name=form.cleaned_data["name"], actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Service account created; now create a key for it."))
    return redirect("api_keys:index")


@login_required
@require_POST
def key_revoke(request, pk):
    key = get_object_or_404(ApiKey.objects.select_related("account"), pk=pk)
    _account(request.user, key.account_id)
    try:
        services.api_key_revoke(key=key, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Key %(prefix)s revoked.") % {"prefix": key.prefix})
    return redirect("api_keys:index")


@login_required
@never_cache
def webhook_list(request):
    organisations = list(_managed(request.user).order_by("name")[:50])
    endpoints = list(
        WebhookEndpoint.objects.filter(organisation__in=organisations).select_related("organisation", "created_by")
    )
    deliveries = WebhookDelivery.objects.filter(endpoint__in=endpoints).select_related("endpoint")[:DELIVERIES_SHOWN]
    return render(
        request,
        "api/webhooks.html",
        {
            "rows": [
                {
                    "organisation": organisation,
                    "endpoints": [e for e in endpoints if e.organisation_id == organisation.pk],
                    "form": forms.WebhookForm(prefix=f"org{organisation.pk}"),
                }
                for organisation in organisations
            ],
            "deliveries": deliveries,
        },
    )


@login_required
@require_POST
@never_cache
def webhook_create(request, organisation_pk):
    organisation = _organisation(request.user, organisation_pk)
    form = forms.WebhookForm(request.POST, prefix=f"org{organisation.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("api_keys:webhooks")
    try:
        endpoint, secret = services.webhook_create(
            organisation=organisation,
            actor=request.user,
            url=form.cleaned_data["url"],
            kinds=form.cleaned_data["kinds"],
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
        return redirect("api_keys:webhooks")
    return _shown_once(
        request,
        title=_("Webhook for %(url)s registered") % {"url": endpoint.url},
        secret=secret,
        back="api_keys:webhooks",
        note=_(
            "This is the signing secret: the X-Filing-Signature header of every delivery is "
            "sha256=HMAC-SHA256(secret, timestamp + “.” + body). Copy it now; it is not shown again."
        ),
    )


@login_required
@require_POST
def webhook_disable(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    _organisation(request.user, endpoint.organisation_id)
    try:
        services.webhook_disable(endpoint=endpoint, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Webhook switched off."))
    return redirect("api_keys:webhooks")
