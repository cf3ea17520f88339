"""What the browser tests check on a page: axe-core, target sizes, focus, sideways scrolling."""

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0, 2.1 and 2.2, levels A and AA, plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
MIN_TARGET = 24  # CSS pixels, WCAG 2.2 success criterion 2.5.8

TARGETS = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex='0']"

# A target under 24×24 px passes 2.5.8 only as an inline link in a sentence here: we do not lean on
# the spacing exception, because a finger on a phone needs the 24 px whatever the spacing.
# Visually hidden elements (1×1 px) and those off the page (the resting skip link) are not targets
# a pointer can reach.
UNDERSIZED_TARGETS_JS = """
([selector, minimum]) => {
  const reachable = (element) => {
    const r = element.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && r.bottom + scrollY > 0 && r.right + scrollX > 0
      && getComputedStyle(element).visibility !== "hidden" && element.checkVisibility();
  };
  const inSentence = (element) => {
    if (getComputedStyle(element).display !== "inline") return false;
    const block = element.parentElement.closest("p, li, dd, td, address, label, legend, div");
    return block !== null && block.textContent.trim().length > element.textContent.trim().length;
  };
  return [...document.querySelectorAll(selector)]
    .filter(reachable)
    .map((element) => [element, element.getBoundingClientRect()])
    .filter(([element, r]) => (r.width < minimum || r.height < minimum) && !inSentence(element))
    .map(([element, r]) => `${element.outerHTML.slice(0, 120)} is ${r.width.toFixed(1)}×${r.height.toFixed(1)} px`);
}
"""

CHOICE_INPUTS_JS = """
(minimum) => [...document.querySelectorAll("input[type=checkbox], input[type=radio]")]
  .filter((input) => input.checkVisibility())
  .map((input) => [input, input.getBoundingClientRect()])
  .filter(([, r]) => r.width < minimum || r.height < minimum)
  .map(([input, r]) => `${input.outerHTML.slice(0, 120)} is ${r.width.toFixed(1)}×${r.height.toFixed(1)} px`)
"""

# A radio's or checkbox's label belongs beside its box, starting on the same line, not wrapped underneath it.
LABELS_UNDER_BOXES_JS = """
() => [...document.querySelectorAll("input[type=checkbox], input[type=radio]")]
  .filter((input) => input.checkVisibility() && input.labels.length)
  .map((input) => [input.labels[0], input.getBoundingClientRect(), input.labels[0].getBoundingClientRect()])
  .filter(([, box, label]) => label.top >= box.bottom || label.left < box.right)
  .map(([label]) => `"${label.innerText.trim().slice(0, 60)}" is not beside its box`)
"""

# Smooth scrolling brings a target into view over a few frames: wait until the page is still.
SETTLE_JS = """
async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  for (let still = 0, last = scrollY, n = 0; still < 3 && n < 90; n++) {
    await frame();
    still = scrollY === last ? still + 1 : 0;
    last = scrollY;
  }
}
"""

# The focused element: does it draw a focus indicator, is it in the viewport, and is its centre
# really it (not a sticky header or anything else painted on top of it)?
FOCUS_JS = r"""
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const r = element.getBoundingClientRect();
  const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
  const onTop = document.elementFromPoint(x, y);
  return {
    html: element.outerHTML.slice(0, 120),
    name: (element.getAttribute("aria-label") || element.labels?.[0]?.innerText || element.innerText
      || element.value || "").replace(/\s*\*\s*$/, "").trim(),
    id: element.id,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    inViewport: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    uncovered: onTop !== null && (element.contains(onTop) || onTop.contains(element)),
  };
}
"""


def axe_violations(page):
    """axe-core's violations on the page, one readable line per rule and element."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – {node['target']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


def undersized_targets(page):
    return page.evaluate(UNDERSIZED_TARGETS_JS, [TARGETS, MIN_TARGET])


def undersized_choices(page):
    return page.evaluate(CHOICE_INPUTS_JS, MIN_TARGET)


def labels_under_boxes(page):
    return page.evaluate(LABELS_UNDER_BOXES_JS)


def sideways_overflow(page):
    """How many CSS pixels the page is wider than the viewport (0 when it does not scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def focused(page):
    page.evaluate(SETTLE_JS)
    return page.evaluate(FOCUS_JS)


def visible_and_uncovered(page, locator):
    """The element is in the viewport and nothing (a sticky header, say) is painted over its middle."""
    page.evaluate(SETTLE_JS)
    return locator.evaluate(
        """(element) => {
          const r = element.getBoundingClientRect();
          if (r.bottom <= 0 || r.top >= innerHeight) return false;
          const onTop = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return onTop !== null && (element.contains(onTop) || onTop.contains(element));
        }"""
    )


def focus_problems(state):
    """What a keyboard user would miss about the focused element, as readable lines."""
    if state is None:
        return ["nothing has focus"]
    problems = []
    if not (state["outline"] or state["shadow"]):
        problems.append(f"no visible focus indicator on {state['html']}")
    if not state["inViewport"]:
        problems.append(f"focused element is off screen: {state['html']}")
    elif not state["uncovered"]:
        problems.append(f"focused element is covered by another element: {state['html']}")
    return problems


def tab_to(page, name, *, key="Tab", limit=120):
    """Press Tab (or Shift+Tab) until the element named `name` (a string, or a pattern to search for) has focus,
    checking the focus indicator at each stop."""
    for _ in range(limit):
        page.keyboard.press(key)
        state = focused(page)
        problems = focus_problems(state)
        assert not problems, problems
        if state["name"] == name if isinstance(name, str) else name.search(state["name"]):
            return state
    raise AssertionError(f"{name!r} never received focus after {limit} presses of {key}")
