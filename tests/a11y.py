"""axe-core in every browser test: each page a test's browser loads is checked, and the test
fails on any serious or critical violation (issue 15).

axe-core is vendored from the npm registry into tests/vendor/axe-core/ (MPL-2.0, see its
LICENSE); the site never serves it. The `browser` fixture in tests/conftest.py wraps
`new_context` so every page of every context is watched; nothing in a test has to ask.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_ROUTE = "/__tests__/axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
# Rules from WCAG 2.x A/AA plus the best practices that name real barriers on this site
# (scrollable regions, landmarks); the rest of "best-practice" is advice, not a barrier.
RUN_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "rules": {"scrollable-region-focusable": {"enabled": True}},
    "resultTypes": ["violations"],
}


def _serve_axe(route: Any) -> None:
    route.fulfill(path=str(AXE_JS), content_type="text/javascript")


@dataclass
class AxeAudit:
    checked: list[str] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    # Pages left before their check ended (the test navigated on): counted, not hidden.
    interrupted: list[str] = field(default_factory=list)
    pending: int = 0

    def inject(self, page: Any) -> None:
        if page.evaluate("() => typeof window.axe !== 'undefined'"):
            return
        # A same-origin URL the context answers itself (routed below): the site's
        # CSP (script-src 'self', no inline) stays on and is still tested.
        # Routed only for this moment: interception left on changes how Chromium hands
        # request bodies to the tests that measure uploads.
        pattern = f"**{AXE_ROUTE}"
        page.route(pattern, _serve_axe)
        try:
            page.add_script_tag(url=page.evaluate("() => location.origin") + AXE_ROUTE)
        finally:
            page.unroute(pattern, _serve_axe)

    def check(self, page: Any) -> list[dict[str, Any]]:
        """Runs axe on the page as it is now and returns its serious/critical violations."""
        if page.evaluate("() => document.contentType") != "text/html":
            return []  # a PDF or image opened in a tab: nothing for axe to read
        self.inject(page)
        result = page.evaluate(
            "options => axe.run(document, options).then(r => r.violations.map(v => ({"
            "id: v.id, impact: v.impact, help: v.help,"
            "nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))",
            RUN_OPTIONS,
        )
        found = [dict(v, url=page.url) for v in result if v["impact"] in FAILING_IMPACTS]
        self.checked.append(page.url)
        self.violations += found
        return found

    def watch(self, page: Any) -> None:
        # Playwright runs this handler between the test's own calls, so the test goes on
        # while axe reads the page.
        def on_load(_page: Any = None) -> None:
            url = page.url
            self.pending += 1
            try:
                self.check(page)
            except Exception as exc:
                # The test moved on (navigated, closed) before axe finished: the next page
                # it lands on is checked instead; anything else is a real failure.
                text = str(exc)
                if not any(
                    s in text
                    for s in (
                        "Execution context was destroyed",
                        "closed",
                        "navigat",
                        "detached",
                        "axe is not defined",  # injected into the page before this one
                    )
                ):
                    raise
                self.interrupted.append(url)
            finally:
                self.pending -= 1

        page.on("load", on_load)

    def settle(self, page: Any, timeout_ms: int = 20000) -> None:
        """Waits until the checks started by page loads have finished."""
        page.wait_for_timeout(50)  # lets a load handler that is due start first
        waited = 50
        while self.pending and waited < timeout_ms:
            page.wait_for_timeout(50)
            waited += 50

    def report(self) -> str:
        return json.dumps(self.violations, indent=1, ensure_ascii=False)


def audited_new_context(original: Any, audit: AxeAudit) -> Any:
    def new_context(*args: Any, **kwargs: Any) -> Any:
        context = original(*args, **kwargs)
        context.on("page", audit.watch)
        return context

    return new_context
