"""The profile checks itself (profiles.versions.selfcheck) on the workshop's frame: the step-6
draft and every saved version, each against the active customers and the best customers of its
workshop. Cached per dataset revision, workshop state, criteria and day.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
from django.utils import timezone
from django.utils.translation import get_language

from portfolio.analysis import targets
from portfolio.frames.cache import Memo
from portfolio.frames.customers import column_label
from profiles.models import ProfileVersion, Workshop
from profiles.versions.selfcheck import ProfileCheck, check_profile
from profiles.versions.traits import trait_label
from profiles.workshop.draft import frame as frames
from profiles.workshop.tables import services as table_services

_CACHE = Memo(32)


def labels(content: dict, attributes=()) -> dict[str, str]:
    """Attribute -> how a page names it: the trait's name, else the column's (for the
    content's criteria and `attributes`)."""
    named = {t["key"]: trait_label(t["key"], t["label"]) for t in content.get("traits", [])}
    for attribute in [*(c["attribute"] for c in content.get("criteria", [])), *attributes]:
        named.setdefault(attribute, trait_label(attribute, column_label(attribute)))
    return named


def _check(frame: pd.DataFrame, content: dict, best_ids, today, currency) -> ProfileCheck | None:
    best = frame["id"].isin(set(best_ids)).to_numpy()
    customers = frame[targets.active(frame, today) | best]
    return check_profile(
        content.get("criteria", []),
        customers,
        best_ids=best_ids,
        today=today,
        labels=labels(content),
        currency=currency,
    )


def _key(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def draft_check(workshop: Workshop, content: dict) -> ProfileCheck | None:
    """The check of a draft's criteria on the workshop's customers (None without a list)."""
    if workshop.dataset is None:
        return None
    rows = frames.table_rows(workshop)
    best = table_services.selection(workshop)
    today = timezone.localdate()
    criteria = content.get("criteria", [])
    key = (
        "check",
        workshop.dataset.pk,
        workshop.dataset.revision,
        today,
        get_language(),  # the warnings are sentences, with money in the currency
        workshop.organization.currency,
        _key(frames.state(workshop, rows), criteria, labels(content)),
    )
    return _CACHE.get_or_set(
        key,
        lambda: _check(
            frames.workshop_frame(workshop, rows),
            content,
            best,
            today,
            workshop.organization.currency,
        ),
    )


def version_check(version: ProfileVersion) -> ProfileCheck | None:
    """The check of a saved version: on its workshop's frame when it has one (the workshop's
    best customers as they are now), else on its customer list without best customers."""
    workshop = version.workshop
    if workshop is not None and workshop.dataset_id == version.dataset_id:
        return draft_check(workshop, version.content)
    if version.dataset is None:
        return None
    today = timezone.localdate()
    key = (
        "version check",
        version.dataset.pk,
        version.dataset.revision,
        today,
        get_language(),
        version.organization.currency,
        version.pk,
    )
    return _CACHE.get_or_set(
        key,
        lambda: _check(
            frames.dataset_frame(version.dataset),
            version.content,
            [],
            today,
            version.organization.currency,
        ),
    )


def clear() -> None:
    """Forget the cached checks (tests)."""
    _CACHE.clear()
