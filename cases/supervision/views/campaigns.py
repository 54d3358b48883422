"""The supervisor's pages of random inspection campaigns: create, draw, replay, close."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.common.views import error_message
from cases.models import SupervisionCampaign
from cases.registry.views import PAGE_SIZE
from cases.supervision import forms
from cases.supervision import selectors as supervision_selectors
from cases.supervision.access import access_campaign, require_perm
from cases.supervision.services import campaigns as campaign_services

# Random inspection campaigns


@login_required
def campaign_list(request):
    require_perm(request.user, "cases.view_supervisioncampaign")
    page = Paginator(SupervisionCampaign.objects.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/supervision/campaign_list.html",
        {"page": page, "can_create": request.user.has_perm("cases.add_supervisioncampaign")},
    )


@login_required
def campaign_create(request):
    require_perm(request.user, "cases.add_supervisioncampaign")
    form = forms.CampaignForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = campaign_services.campaign_create(
                    actor=request.user,
                    name=data["name"],
                    description=data["description"],
                    districts=data["districts"],
                    kinds=data["kinds"],
                    categories=data["categories"],
                    occupations=data["occupations"],
                    sample_size=data["sample_size"],
                    sample_ratio=data["sample_ratio"],
                    inspector_pool=data["inspector_pool"],
                    inspectors_per_case=data["inspectors_per_case"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Campaign saved. Check the population, then draw."))
                return redirect("registry:campaign", pk=campaign.pk)
        messages.error(request, _("Please correct the errors below."))
    return render(request, "cases/supervision/campaign_form.html", {"form": form}, status=400 if form.errors else 200)


def _render_campaign(request, campaign, close_form=None, replay=None):
    cases = supervision_selectors.campaign_cases(campaign)
    population = (
        len(campaign.population)
        if campaign.state != SupervisionCampaign.State.DRAFT
        else supervision_selectors.campaign_population(campaign).count()
    )
    return render(
        request,
        "cases/supervision/campaign_detail.html",
        {
            "campaign": campaign,
            "cases": cases,
            "population": population,
            "sample": campaign_services.sample_size_of(campaign, population) if population else 0,
            "pool": list(campaign.inspector_pool.order_by("username")),
            "districts": list(campaign.districts.all()),
            "occupations": list(campaign.occupations.all()),
            "open_cases": sum(1 for case in cases if case.state != "closed"),
            "can_act": request.user.has_perm("cases.add_supervisioncampaign"),
            "close_form": close_form or forms.CampaignCloseForm(),
            "replay": replay,
        },
    )


@login_required
def campaign_detail(request, pk):
    return _render_campaign(request, access_campaign(request.user, pk))


@login_required
@require_POST
def campaign_draw(request, pk):
    campaign = access_campaign(request.user, pk)
    require_perm(request.user, "cases.add_supervisioncampaign")
    try:
        campaign = campaign_services.campaign_draw(campaign=campaign, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(
            request,
            _("Drawn with seed %(seed)s: %(count)d cases opened, waiting in the supervision queue.")
            % {"seed": campaign.seed, "count": len(campaign.draw)},
        )
    return redirect("registry:campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_replay(request, pk):
    campaign = access_campaign(request.user, pk)
    return _render_campaign(request, campaign, replay=campaign_services.campaign_replay(campaign))


@login_required
@require_POST
def campaign_close(request, pk):
    campaign = access_campaign(request.user, pk)
    require_perm(request.user, "cases.add_supervisioncampaign")
    form = forms.CampaignCloseForm(request.POST)
    if form.is_valid():
        try:
            campaign_services.campaign_close(
                campaign=campaign, actor=request.user, summary=form.cleaned_data["summary"]
            )
        except ValidationError as error:
            messages.error(request, error_message(error))
        else:
            messages.success(request, _("Campaign closed; its results are published."))
            return redirect("registry:campaign", pk=campaign.pk)
    return _render_campaign(request, campaign, close_form=form)
