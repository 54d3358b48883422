"""The regulators' search page: one text field, the cases it finds grouped by kind."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from cases.search.access import may_search_cases
from cases.search.forms import CaseSearchForm
from cases.search.selectors import GROUP_LIMIT, case_search


@login_required
def search(request):
    if not may_search_cases(request.user):
        raise PermissionDenied
    form = CaseSearchForm(request.GET) if "q" in request.GET else CaseSearchForm()
    results = case_search(user=request.user, text=form.cleaned_data["q"]) if form.is_bound and form.is_valid() else None
    return render(request, "cases/search/search.html", {"form": form, "results": results, "limit": GROUP_LIMIT})
