"""What a profile tells a rep to do, in the method's words: per segment (where to spend time),
per DISC type and per driver of the buyer (how to talk to them).

One place for these sentences: the rep's pages, the one-pager, every fit-check answer (the
page, the bulk file, the API) and step 6 read them from here, so a rep reads the same advice
wherever the answer reaches them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from profiles.versions.traits import DISC, DISC_COLOURS, DRIVERS

# The method: do-or-die is the target (all energy), neutral the grey zone (some time, not too
# much), do-not is defined as explicitly as the target (no time; take them only when they come
# on their own and cost nothing).
SEGMENT_ACTIONS = {
    "do-or-die": _("The target customer profile: put all your energy here."),
    "neutral": _("The grey zone: give them some time, not too much."),
    "do-not": _(
        "Don't spend time on them: take them only if they come on their own and lose you nothing."
    ),
    "unknown": _("Too little is known to decide: find out the missing facts first."),
}

# DISC as the model colours it (traits.DISC_COLOURS: D red, I yellow, S green, C blue). Pages
# show the letter and the name beside the colour, so nothing rests on the hue alone.
DISC_GUIDANCE = {
    "D": _("Be brief and direct; lead with results and the bottom line; let them decide."),
    "I": _("Be warm and lively; tell success stories and name references; let them talk."),
    "S": _("Be patient and calm; show a safe, well-supported change; do not rush them."),
    "C": _("Bring data and detail; be precise and correct; give them time to check."),
}
DRIVER_GUIDANCE = {
    "power": _("Show how it strengthens their position and influence."),
    "money": _("Show the money: savings, extra revenue, payback time."),
    "fear": _("Show how it lowers their risk; bring guarantees and references."),
    "efficiency": _("Show the time and effort it saves them and their team."),
    "performance": _("Show how it helps them reach their targets."),
    "security": _("Stress stability, support and a safe rollout."),
    "recognition": _("Show how it makes them look good: visible success they get credit for."),
}


def segment_action(segment: str) -> str:
    """What a rep does with a customer of this segment, in the method's words."""
    return str(SEGMENT_ACTIONS.get(segment, SEGMENT_ACTIONS["unknown"]))


def segment_actions() -> dict[str, str]:
    """Every segment's action, translated (for a page or a file legend)."""
    return {segment: str(text) for segment, text in SEGMENT_ACTIONS.items()}


def _values(value) -> list[str]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list | tuple) else [value]
    return [str(item) for item in items if item not in (None, "")]


def buyer_guidance(traits: Iterable[dict]) -> list[dict]:
    """How to talk to the buyer the profile describes: one line per DISC type and per driver
    among the profile's relevant buyer traits ({kind, key, label, colour, text})."""
    found: list[dict] = []
    for trait in traits:
        if not trait.get("relevant", True):
            continue
        if trait.get("key") == "disc":
            for letter in _values(trait.get("value")):
                if letter in DISC_GUIDANCE:
                    found.append(
                        {
                            "kind": "disc",
                            "key": letter,
                            "label": str(dict(DISC)[letter]),
                            "colour": DISC_COLOURS[letter],
                            "text": str(DISC_GUIDANCE[letter]),
                        }
                    )
        elif trait.get("key") == "drivers":
            for driver in _values(trait.get("value")):
                if driver in DRIVER_GUIDANCE:
                    found.append(
                        {
                            "kind": "driver",
                            "key": driver,
                            "label": str(dict(DRIVERS)[driver]),
                            "colour": "",
                            "text": str(DRIVER_GUIDANCE[driver]),
                        }
                    )
    return found
