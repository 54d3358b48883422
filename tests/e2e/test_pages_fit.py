"""Pages that fit a phone: a walk at 390 px over every page type of every demo role (and the public pages).

On each page: the document is no wider than the viewport; buttons and link buttons in one row have one height;
chart labels are at least 12 px as rendered. axe-core (WCAG 2.1 A and AA rules) finds no serious or critical
violation, run once on each page type and on each explicitly listed page. Page types are found by following the
links of each role's menus and pages (one page per URL name and role), plus a case in each state, the selection
call and campaigns, and a task page of each open step. One browser, one seeding, every problem of every page
reported at the end (and written to test-artifacts/pages-fit.txt with a screenshot of each page).
"""

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import User
from django.urls import Resolver404, resolve, reverse

from tests.e2e.conftest import ARTIFACTS, login
from tests.e2e.pages_world import build_world
from workflow.models import WorkItem

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
MAX_PAGES_PER_ROLE = 60

ROLES = [
    "demo-applicant",
    "demo-applicant-social",
    "demo-clerk",
    "demo-chief",
    "demo-inspector",
    "demo-expert",
    "demo-approver",
    "demo-supervisor",
    "demo-auditor",
    "demo-admin",
]
PUBLIC = ["/", "/directory/", "/directory/campaigns/", "/notices/", "/verify/", "/verify/document/", "/selections/"]

# URL names that answer with a file, change something on GET or leave the site's own pages.
NOT_PAGES = re.compile(
    r"(download|pdf|csv|xlsx|export|document|attachment|photo|evidence|preview|file|template|problems|logout|"
    r"progress|schema|swagger|redoc|verify_token|notification_open|set_language)",
)

# Page types the walk must reach, or it has lost its way (a menu link renamed, a page behind a new permission).
MUST_VISIT = {
    "directory:index",
    "directory:detail",
    "directory:campaign",
    "verify",
    "notices:index",
    "notices:detail",
    "selections:index",
    "selections:detail",
    "tasks:index",
    "tasks:queue",
    "tasks:archive",
    "tasks:overdue",
    "tasks:detail",
    "applications:detail",
    "supervision:case",
    "body:case",
    "certificates:batch_detail",
    "certificate_review:statistics",
    "registry:campaign",
    "selection:call",
    "selection:application",
    "search:index",
    "audits:search",
    "api_keys:index",
    "api_keys:webhooks",
}

CHECKS = (Path(__file__).parent / "page_fit_checks.js").read_text()

AXE_RUN = (Path(__file__).parent / "page_fit_axe.js").read_text()


def _kind(path: str) -> str | None:
    """The page type of a path (its URL name), or None for what is not a page of ours to walk."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    name = match.view_name
    if name.startswith("admin:") or NOT_PAGES.search(name):
        return None
    return name


def _links(page) -> list[str]:
    return page.eval_on_selector_all("a[href]", "(links) => links.map((a) => a.getAttribute('href'))")


class Walk:
    def __init__(self, browser, live_server):
        self.browser, self.base = browser, live_server.url
        self.problems: dict[str, list[str]] = {}
        self.visited = 0
        self.kinds: dict[str, list[str]] = {}
        self.axe_checked: set[str] = set()
        self.axe_source = AXE.read_text(encoding="utf-8")

    def check(self, page, label: str, axe_key: str) -> None:
        found = page.evaluate(CHECKS)
        # Layout is checked on every page of every role (what a role sees changes its width); axe runs once on each
        # page type and on each explicitly listed page (a case in each state), which keeps the walk within minutes.
        if axe_key not in self.axe_checked:
            self.axe_checked.add(axe_key)
            if not page.evaluate("() => typeof axe !== 'undefined'"):
                # Evaluated rather than added as a <script>: the pages' CSP allows no script but the site's own.
                page.evaluate(self.axe_source)
            found += page.evaluate(AXE_RUN)
        self.visited += 1
        if found:
            self.problems[label] = found
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", label)[:120]
            page.screenshot(path=str(ARTIFACTS / f"fit-{name}.png"), full_page=True)

    def open(self, page, path: str) -> bool:
        try:
            response = page.goto(urljoin(self.base, path))
        except Exception as error:  # a download starting, a page that never loads
            self.problems[path] = [f"did not open: {str(error).splitlines()[0]}"]
            return False
        if response is None or not response.headers.get("content-type", "").startswith("text/html"):
            return False
        if response.status >= 500:
            self.problems[path] = [f"HTTP {response.status}"]
            return False
        return response.status < 400

    def role(self, username: str | None, extra: list[str]) -> None:
        context = self.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            if username:
                login(page, type("Server", (), {"url": self.base})(), username)
                assert "/accounts/login/" not in page.url, f"{username} could not sign in"
                start = ["/app/", *extra]
            else:
                start = [*PUBLIC, *extra]
            kinds: set[str] = set()
            tried: set[str] = set()
            queue = [(path, 0) for path in start]
            pages = 0
            while queue and pages < MAX_PAGES_PER_ROLE:
                path, depth = queue.pop(0)
                kind = _kind(path)
                explicit = depth == 0 and path in extra
                if kind is None or (kind in kinds and not explicit) or path in tried:
                    continue
                tried.add(path)
                if not self.open(page, path):
                    continue  # another link of the same page type may open
                kinds.add(kind)
                pages += 1
                self.kinds.setdefault(kind, []).append(f"{username or 'anonymous'} {path}")
                self.check(page, f"{username or 'anonymous'} {urlsplit(page.url).path}", path if explicit else kind)
                if depth < 3:
                    here = urlsplit(page.url)
                    for href in _links(page):
                        target = urlsplit(urljoin(page.url, href))
                        if target.netloc == here.netloc and not target.fragment and "after=" not in target.query:
                            queue.append((target.path + (f"?{target.query}" if target.query else ""), depth + 1))
        finally:
            context.close()


def _extra_pages(world) -> dict[str, list[str]]:
    """The pages a crawl by URL name would see only once: a case in each state, a task of each step."""
    applications = [reverse("applications:detail", args=[a.pk]) for a in world["applications"].values()]
    cases = [reverse("supervision:case", args=[case.pk]) for case in world["cases"].values()]
    batch = [reverse("certificates:batch_detail", args=[world["batch"].pk])]
    extra = {username: [] for username in ROLES}
    for username in ("demo-chief", "demo-auditor"):
        extra[username] += applications + cases + batch
    extra["demo-clerk"] += applications + batch
    extra["demo-supervisor"] += cases + batch
    extra["demo-applicant"] += [reverse("applications:detail", args=[world["applications"]["draft"].pk])]
    extra["demo-applicant-social"] += [reverse("applications:detail", args=[world["applications"]["returned"].pk])]
    # The selection call run to its end, its applications, the campaigns and the statistics' charts.
    call = world["call"]
    applied = call.applications.order_by("pk").values_list("pk", flat=True)
    selection = [reverse("selection:call", args=[call.pk])] + [
        reverse("selection:application", args=[pk]) for pk in applied
    ]
    extra["demo-chief"] += selection
    extra["demo-clerk"] += selection[1:2]
    extra["demo-auditor"] += selection[:1]
    campaigns = [reverse("registry:campaign", args=[campaign.pk]) for campaign in world["campaigns"].values()]
    extra["demo-supervisor"] += campaigns
    extra["demo-chief"] += campaigns[:1]
    statistics = reverse("certificate_review:statistics")
    for username in ("demo-chief", "demo-approver", "demo-supervisor"):
        extra[username].append(statistics)
    # One open task of each step, walked as the person who holds it (or a role that may claim it).
    per_step = {}
    for item in WorkItem.objects.filter(is_open=True).select_related("owner").order_by("pk"):
        per_step.setdefault((item.kind, item.step), item)
    for item in per_step.values():
        # Only the demo users can sign in with the demo password (the simulation's applicants have none).
        holder = item.owner.username if item.owner_id and item.owner.username.startswith("demo-") else None
        if holder is None:
            holder = {
                "review": "demo-clerk",
                "plan_inspection": "demo-chief",
                "decide": "demo-approver",
                "notice": "demo-approver",
            }.get(item.step, "demo-chief" if item.kind == "filing" else "demo-supervisor")
        extra.setdefault(holder, []).append(item.url)
    return extra


def _public_extra(world) -> list[str]:
    return [
        reverse("notices:detail", args=[world["applications"]["on_notice"].number]),
        reverse("directory:detail", args=[world["filing"].number]),
        reverse("directory:campaign", args=[world["campaigns"]["closed"].number]),
        reverse("selections:detail", args=[world["call"].number]),
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_page_of_every_role_fits_a_phone_and_passes_axe(browser, live_server, settings, tmp_path):
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing; `make test` installs axe-core")
    pinned = re.search(r"^AXE_CORE_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1)
    assert json.loads((AXE.parent / "package.json").read_text())["version"] == pinned
    settings.MEDIA_ROOT = tmp_path
    settings.BACKGROUND_JOBS = "inline"
    world = build_world()
    extra = _extra_pages(world)
    walk = Walk(browser, live_server)
    walk.role(None, _public_extra(world))
    for username in [*ROLES, *sorted(set(extra) - set(ROLES))]:
        assert User.objects.filter(username=username).exists(), username
        walk.role(username, extra.get(username, []))
    assert walk.visited > 300 and not MUST_VISIT - set(walk.kinds), sorted(MUST_VISIT - set(walk.kinds))
    report = "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in sorted(walk.problems.items()))
    if walk.problems:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "pages-fit.txt").write_text(report, encoding="utf-8")
    assert not walk.problems, f"{len(walk.problems)} of {walk.visited} pages do not fit:\n{report}"


def test_the_checks_find_each_problem_they_look_for(browser):
    """The walk can fail: on a page made to have each problem each check reports it, on a page without them none."""
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing; `make test` installs axe-core")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.set_content(
            '<html lang="zh-Hans"><head><title>t</title></head><body><main class="app-content"><h1>页面</h1>'
            '<p><a class="button" href="#" style="padding: 4px">查看</a> '
            '<button class="button" style="padding: 20px">提交</button></p>'
            '<svg viewBox="0 0 1000 100" width="100%"><text x="0" y="50" font-size="13">焊工</text></svg>'
            '<p style="color: #aaa; background: #fff">说明</p>'
            '<div style="width: 600px">宽</div></main></body></html>'
        )
        page.add_style_tag(path=str(ROOT / "static" / "css" / "app.css"))
        page.evaluate(AXE.read_text(encoding="utf-8"))
        found = page.evaluate(CHECKS) + page.evaluate(AXE_RUN)
        assert any(line.startswith("the page is 6") and "div" in line for line in found), found
        assert any(line.startswith("buttons in one row differ in height") for line in found), found
        assert any(line.startswith("a chart label is ") for line in found), found
        assert any(line.startswith("axe serious color-contrast") for line in found), found
        page.set_content(
            '<html lang="zh-Hans"><head><title>t</title></head><body><main class="app-content"><h1>页面</h1>'
            '<p><a class="button" href="#">查看</a> <button class="button">提交</button></p>'
            '<svg width="100%" height="40"><text x="0" y="20" font-size="13">焊工</text></svg>'
            "<p>说明</p></main></body></html>"
        )
        page.add_style_tag(path=str(ROOT / "static" / "css" / "app.css"))
        page.evaluate(AXE.read_text(encoding="utf-8"))
        assert page.evaluate(CHECKS) + page.evaluate(AXE_RUN) == []
    finally:
        context.close()
