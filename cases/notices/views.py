"""The public notice pages (/notices/, no login): who is on notice, and an objection form for anyone.

Objections are counted per client address (cases.common.ratelimit, like /verify/); each lands on the
approver's notice task as an open objection that registration waits for.
"""

import math

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.applications import services
from cases.applications.forms import PublicObjectionForm
from cases.common.ratelimit import seconds_until_allowed
from cases.common.views import error_message
from cases.notices import selectors

PAGE_SIZE = 25


@require_GET
def notice_list(request):
    today = timezone.localdate()
    past = Paginator(selectors.notices_past(today=today), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/notices.html",
        {"current": list(selectors.notices_current(today=today)), "past": past, "today": today},
    )


@require_http_methods(["GET", "POST"])
def notice_detail(request, number):
    application = selectors.notice_of(number=number[:40])
    if application is None:
        raise Http404
    is_open = services.notice_is_open(application)
    form = PublicObjectionForm(request.POST or None, request.FILES or None) if is_open else None
    status = 200
    if request.method == "POST":
        if not is_open:
            messages.error(request, _("This public notice is not open for objections."))
            return redirect("notices:detail", number=application.number)
        if form.is_valid():
            wait = seconds_until_allowed(
                request, scope="objection", limit=settings.OBJECTION_RATE_LIMIT, window=settings.OBJECTION_RATE_WINDOW
            )
            if wait:
                messages.error(
                    request,
                    _("Too many objections from your network. Try again in %(minutes)d minutes.")
                    % {"minutes": max(1, math.ceil(wait / 60))},
                )
                status = 429
            else:
                try:
                    services.objection_submit(application=application, **form.cleaned_data)
                except ValidationError as error:
                    form.add_error(None, error_message(error))
                else:
                    messages.success(
                        request,
                        _(
                            "Your objection has been received. The bureau examines it before deciding on the "
                            "registration and will contact you."
                        ),
                    )
                    return redirect("notices:detail", number=application.number)
        if status == 200:
            status = 400
    response = render(
        request,
        "public/notice_detail.html",
        {"application": application, "form": form, "is_open": is_open},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(settings.OBJECTION_RATE_WINDOW)
    return response
