"""Checks every page type the browser test visits, once per width (desktop and a 390 px phone):
no horizontal overflow, no serious or critical accessibility violation (axe-core through
axe-selenium-python), no console error, and no English sentence in what a person reads."""

import re

PHONE = (390, 844)
DESKTOP = (1366, 768)

# English words that Vietnamese text never strings together; three or more plain ASCII words in a
# row, two of them from this list, make an English sentence.
FUNCTION_WORDS = {
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "from", "by", "is", "are", "was",
    "were", "be", "been", "has", "have", "had", "not", "and", "or", "but", "this", "that", "these",
    "it", "its", "as", "can", "cannot", "must", "may", "will", "does", "did", "there", "which",
    "who", "what", "when", "first", "only", "yet", "any", "than", "into", "after", "before", "no",
    "please", "your", "you", "failed", "error", "found", "unexpected",
}
WORD = re.compile(r"^[A-Za-z']+$")

# The axe-core that axe-selenium-python bundles (3.1.1) predates HTML 5.2's <div> groups of <dt>/<dd>
# in a <dl>, which the pages' fact lists use; newer axe-core accepts them, so these two rules are off.
AXE_OPTIONS = "{resultTypes: ['violations'], rules: {'dlitem': {enabled: false}, 'definition-list': {enabled: false}}}"

# Text of the page without code, hashes and file names (in <code>, <pre>, <kbd>, <samp>), with the
# open dialogs' text and the page's notices.
VISIBLE_TEXT = """
const skip = new Set(['CODE', 'PRE', 'KBD', 'SAMP', 'SCRIPT', 'STYLE', 'svg']);
const parts = [];
function walk(node) {
  if (node.nodeType === Node.TEXT_NODE) { parts.push(node.textContent); return; }
  if (node.nodeType !== Node.ELEMENT_NODE || skip.has(node.nodeName)) return;
  if (node.hidden || (node.nodeName === 'DIALOG' && !node.open)) return;
  for (const child of node.childNodes) walk(child);
  if (getComputedStyle(node).display !== 'inline') parts.push('\\n');
}
walk(document.body);
return parts.join(' ');
"""


def english_sentences(text):
    """The runs of words in `text` that read as English."""
    found = []
    for line in re.split(r"[\n.;:!?()\[\]—–·|/]", text):
        run = []
        for token in line.split() + [""]:
            word = token.strip(",\"'“”‘’«»")
            if word and WORD.match(word):
                run.append(word)
                continue
            if len(run) >= 3 and sum(w.lower() in FUNCTION_WORDS for w in run) >= 2:
                found.append(" ".join(run))
            run = []
    return found


class PageChecks:
    """Remembers which page types (by `data-page`, or the error page's status title) have been
    checked at which width, so that each is audited once."""

    def __init__(self, failure):
        self.failure = failure
        self.seen = set()
        self.phone_shots = []

    def visit(self, browser, label):
        page = browser.driver.execute_script("return document.body.dataset.page || document.title")
        if page in self.seen:
            self.check_english(browser, page)
            return
        self.seen.add(page)
        driver = browser.driver
        try:
            for width, height in (DESKTOP, PHONE):
                driver.set_window_size(width, height)
                self.check_overflow(browser, page, width)
                self.check_accessibility(browser, page, width)
                self.check_english(browser, page)
                if width == PHONE[0]:
                    browser.shot(f"{label}-390")
        finally:
            driver.set_window_size(*DESKTOP)
        browser.check_console()

    def check_overflow(self, browser, page, width):
        wide = browser.driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]")
        if wide[0] > wide[1]:
            culprits = browser.driver.execute_script(
                "const w = window.innerWidth; return [...document.querySelectorAll('body *')]"
                ".filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 5)"
                ".map(e => e.nodeName + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined"
                " ? '.' + e.className : ''))")
            raise self.failure(f"{page} at {width} px ({browser.driver.current_url}) is {wide[0]} px wide: {culprits}")

    def check_accessibility(self, browser, page, width):
        from axe_selenium_python import Axe
        axe = Axe(browser.driver)
        axe.inject()
        results = axe.run(options=AXE_OPTIONS)
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        bad = [v for v in (self.without_labelled(browser, v) for v in bad) if v["nodes"]]
        if bad:
            detail = "; ".join(
                f"{v['id']} ({v['impact']}): " + ", ".join(str(n["target"]) for n in v["nodes"][:3]) for v in bad)
            raise self.failure(f"{page} at {width} px ({browser.driver.current_url}): accessibility: {detail}")

    @staticmethod
    def without_labelled(browser, violation):
        """The violation without the form fields that do have a label: axe-core 3.1.1 does not find the
        <label for> of an id with a dot in it ("diem-1.1", a criterion's code), which browsers do."""
        if violation["id"] != "label":
            return violation
        nodes = [node for node in violation["nodes"] if not browser.driver.execute_script(
            "const e = document.querySelector(arguments[0]);"
            "return !!e && (e.labels && e.labels.length > 0 || !!e.getAttribute('aria-label'))", node["target"][0])]
        return {**violation, "nodes": nodes}

    def check_english(self, browser, page):
        text = browser.driver.execute_script(VISIBLE_TEXT)
        english = english_sentences(text)
        if english:
            raise self.failure(f"{page} ({browser.driver.current_url}) has English text: {english[:3]}")
