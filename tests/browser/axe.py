"""Running axe-core in a page and describing what it finds so a failure says what to fix."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => (await axe.run(document, {
  runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
  resultTypes: ['violations'],
})).violations"""


def axe_violations(page):
    """axe's violations on the page as it is now; the page's context must bypass the CSP."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN)


def describe_violations(url, violations):
    lines = [f"axe found violations of {len(violations)} rule(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
    return "\n".join(lines)


def assert_accessible(page):
    violations = axe_violations(page)
    assert not violations, describe_violations(page.url, violations)
