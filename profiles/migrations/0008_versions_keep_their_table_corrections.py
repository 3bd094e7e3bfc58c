"""Versions saved before segments were stored get the table corrections of their workshop.

A version saved from now on keeps the corrections of the company and buyer tables as they are
when it is saved (profiles.segments.services.version_corrections_capture). For the versions
saved before, the best record left is their workshop's tables as they are now: that is what
step 6 showed for the draft, and what the reps' lists now take into account too. The versions
themselves are not touched (they are immutable); their corrections go to a SegmentSet row.
"""

from django.db import migrations


def corrections(apps, workshop_id):
    WorkshopStep = apps.get_model("profiles", "WorkshopStep")
    ProfileRow = apps.get_model("profiles", "ProfileRow")
    inputs = dict(
        WorkshopStep.objects.filter(workshop_id=workshop_id, number__in=(3, 4)).values_list(
            "number", "inputs"
        )
    )
    chosen = set((inputs.get(3) or {}).get("selection", []))
    tables = ["buyer"] if (inputs.get(4) or {}).get("skipped") else ["company", "buyer"]
    found = {}
    rows = ProfileRow.objects.filter(
        workshop_id=workshop_id, table__in=tables, customer__isnull=False
    ).order_by("table", "pk")
    for row in rows:
        if row.customer_id not in chosen:
            continue
        values = found.setdefault(str(row.customer_id), {})
        values.update(row.values)
        for key, version in (row.cell_versions or {}).items():
            if version and key not in row.values:
                values[key] = None
    return found


def capture(apps, schema_editor):
    ProfileVersion = apps.get_model("profiles", "ProfileVersion")
    SegmentSet = apps.get_model("profiles", "SegmentSet")
    for version in ProfileVersion.objects.exclude(workshop=None).order_by("pk"):
        if SegmentSet.objects.filter(version=version).exists():
            continue
        SegmentSet.objects.create(
            organization_id=version.organization_id,
            version=version,
            dataset_id=version.dataset_id,
            corrections=corrections(apps, version.workshop_id),
        )


class Migration(migrations.Migration):
    dependencies = [("profiles", "0007_stored_segments_and_exports")]

    operations = [migrations.RunPython(capture, migrations.RunPython.noop)]
