"""Every piece of user-visible text in a template is marked for translation."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]

# Names that are the same in every language.
ALLOWED = ["ICP Workshop", "Excel", "HubSpot", "Salesforce", "CSV", "XLSX", "API", "DISC"]

BLOCKS = re.compile(
    r"{%\s*(blocktranslate|blocktrans)\b.*?{%\s*end(blocktranslate|blocktrans)\s*%}", re.S
)
COMMENT_BLOCKS = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
# Blocks that hold CSS class names, not text: {% block main_class %}page{% endblock %}.
CLASS_BLOCKS = re.compile(r"{%\s*block\s+\w*class\w*\s*%}.*?{%\s*endblock\b.*?%}", re.S)
TAGS = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
RAW = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
VISIBLE_ATTRIBUTES = re.compile(
    r"""\b(title|placeholder|aria-label|alt|data-confirm)\s*=\s*("[^"]*"|'[^']*')""", re.I
)
HTML_TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[^\W\d_]{2,}")


def unmarked_text(source: str) -> list[str]:
    """The fragments of `source` a person would read that are not marked for translation."""
    text = COMMENT_BLOCKS.sub(" ", source)
    text = CLASS_BLOCKS.sub(" ", text)
    text = BLOCKS.sub(" ", text)
    text = RAW.sub(" ", text)
    text = TAGS.sub(" ", text)
    found = [value.strip("\"'") for _, value in VISIBLE_ATTRIBUTES.findall(text)]
    found += HTML_TAG.sub("\n", text).split("\n")
    fragments = []
    for fragment in found:
        fragment = fragment.strip()
        rest = re.sub(r"&[a-z]+;|&#\d+;", " ", fragment)
        for name in ALLOWED:
            rest = rest.replace(name, " ")
        if WORD.search(rest):
            fragments.append(fragment)
    return fragments


def _templates():
    for directory in TEMPLATE_DIRS:
        yield from sorted(p for p in directory.rglob("*") if p.suffix in {".html", ".txt"})


TEMPLATES = list(_templates())


@pytest.mark.parametrize("path", TEMPLATES, ids=[str(p.relative_to(ROOT)) for p in TEMPLATES])
def test_templates_have_no_unmarked_text(path):
    assert unmarked_text(path.read_text(encoding="utf-8")) == []


def test_the_checker_finds_unmarked_text_and_accepts_marked_text():
    source = """{% load i18n %}<h1>Welcome</h1><p>{% translate "Marked" %}</p>
    <input placeholder="Search"><a title="{% translate 'Fine' %}">{{ name }}</a>
    {% blocktranslate %}Also {{ fine }}{% endblocktranslate %}<span>ICP Workshop · 3</span>
    <script>var notText = "x";</script>"""
    assert unmarked_text(source) == ["Search", "Welcome"]
