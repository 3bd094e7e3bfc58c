"""Upload -> mapping -> problems -> confirm, through the test client (plain and htmx)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portfolio.models import Customer, Dataset, ImportPhase, ImportState, ImportUpload
from portfolio.uploads.storage import chunks_of

pytestmark = pytest.mark.django_db

CLEAN = (
    "Customer ID,Company name,Revenue,Seats,Region\n"
    'C-1,Alpha Ltd,"1,234.50",3,North\n'
    "C-2,Beta Ltd,2000,12,South\n"
)
PROBLEMS = "Customer ID,Company name,Revenue\nC-1,Alpha Ltd,100\nC-2,Beta Ltd,lots\nC-3,,300\n"
ORDERS = (
    "Customer ID,Company name,Order date,Amount\n"
    "C-1,Alpha,2024-01-05,100\nC-1,Alpha,2024-03-05,200\nC-2,Beta,2023-03-05,50\n"
    "C-2,Beta,2024-03-05,50\n"
)


def _upload(client, text, name="customers.csv"):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("import_upload"), {"file": file})


def _uploaded(team, text, name="customers.csv"):
    response = _upload(team.client("leader"), text, name)
    assert response.status_code == 302
    return ImportUpload.objects.get(organization=team.organization, file_name=name)


def _mapping_data(upload, client, **changes):
    """The mapping form as the page proposes it, with `changes` applied."""
    form = client.get(reverse("import_mapping", args=[upload.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (False, None)}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not False}


def test_the_upload_page_offers_a_file_input_that_works_without_javascript(team):
    response = team.client("leader").get(reverse("import_upload"))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert 'type="file"' in response.text
    assert "js/upload.js" in response.text


def test_an_upload_is_kept_and_leads_to_the_mapping_page(team):
    response = _upload(team.client("leader"), CLEAN)
    upload = ImportUpload.objects.get()
    assert response["Location"] == reverse("import_mapping", args=[upload.pk])
    assert (upload.organization, upload.uploaded_by) == (team.organization, team.leader.user)
    assert upload.state == ImportState.UPLOADED
    assert b"".join(chunks_of(upload)) == CLEAN.encode()
    assert upload.size == len(CLEAN)
    # A text file is sampled once, when it arrives: the mapping page reads the sample.
    assert upload.sample["columns"] == ["Customer ID", "Company name", "Revenue", "Seats", "Region"]


def test_reps_cannot_upload(team):
    assert team.client("rep").get(reverse("import_upload")).status_code == 403
    assert _upload(team.client("rep"), CLEAN).status_code == 403
    assert not ImportUpload.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(team, settings):
    settings.IMPORT_MAX_BYTES = 20
    response = _upload(team.client("leader"), CLEAN)
    assert response.status_code == 400
    assert "files up to 20" in response.text
    assert "can raise the limit with the IMPORT_MAX_BYTES setting" in response.text
    assert not ImportUpload.objects.exists()


def test_the_size_refusal_states_the_default_limit_in_megabytes(settings):
    from portfolio.uploads.forms import UploadForm

    settings.IMPORT_MAX_BYTES = 50 * 1024 * 1024
    file = SimpleUploadedFile("big.csv", b"x")
    file.size = 60 * 1024 * 1024  # the form checks the size the upload handler reports
    form = UploadForm(files={"file": file})
    assert form.errors["file"] == [
        "The file is 60.0\xa0MB; files up to 50.0\xa0MB can be imported. The server's administrator"
        " can raise the limit with the IMPORT_MAX_BYTES setting."
    ]


def test_a_file_of_another_type_is_refused(team):
    response = _upload(team.client("leader"), "%PDF-1.4", name="customers.pdf")
    assert response.status_code == 400
    assert "Please upload a CSV" in response.text


def test_an_unreadable_file_shows_its_error_at_once_and_nothing_is_kept(team):
    response = _upload(team.client("leader"), "Name,Revenue\n", name="header.csv")
    assert response.status_code == 400
    assert "The file has a header row but no customer rows." in response.text
    assert not ImportUpload.objects.exists()


def test_the_mapping_page_proposes_a_mapping_and_previews_typed_rows(team):
    upload = _uploaded(team, CLEAN)
    response = team.client("leader").get(reverse("import_mapping", args=[upload.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["map_name"].value() == "Company name"
    assert form["map_revenue"].value() == "Revenue"
    preview = response.context["preview"]
    assert [row["number"] for row in preview["rows"]] == [2, 3]
    assert "1,234.50" in response.text  # typed and formatted, not the raw cell
    assert preview["unmapped"] == ["Region"]
    assert "Kept as extra attributes" in response.text


def test_changing_a_select_re_renders_only_the_preview_with_htmx(team):
    upload = _uploaded(team, CLEAN)
    client = team.client("leader")
    data = _mapping_data(upload, client, map_revenue="")
    response = client.get(reverse("import_mapping", args=[upload.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="preview"' in response.text
    assert "1,234.50" not in response.text
    assert "Revenue" in response.context["preview"]["unmapped"]
    assert "HX-Request" in response["Vary"]


def test_repeated_customers_suggest_an_order_file(team):
    upload = _uploaded(team, ORDERS)
    response = team.client("leader").get(reverse("import_mapping", args=[upload.pk]))
    assert response.context["form"]["order_level"].value() is True


def test_confirming_a_clean_mapping_imports_and_shows_the_customers(team):
    upload = _uploaded(team, CLEAN)
    client = team.client("leader")
    response = client.post(
        reverse("import_mapping", args=[upload.pk]), _mapping_data(upload, client)
    )
    dataset = Dataset.objects.get()
    assert response["Location"] == reverse("dataset_detail", args=[dataset.pk])
    assert dataset.rows_imported == 2
    assert Customer.objects.get(external_id="C-1").extra == {"Region": "North"}
    upload.refresh_from_db()
    assert (upload.state, upload.dataset) == (ImportState.DONE, dataset)
    assert not upload.parts.exists()  # the file is not kept once imported
    page = client.get(response["Location"])
    assert "Alpha Ltd" in page.text and "North" in page.text


def test_a_mapping_without_a_name_column_is_refused(team):
    upload = _uploaded(team, CLEAN)
    client = team.client("leader")
    response = client.post(
        reverse("import_mapping", args=[upload.pk]), _mapping_data(upload, client, map_name="")
    )
    assert response.status_code == 400
    assert "Choose the column that holds the customer name." in response.text
    assert not Dataset.objects.exists()


def test_problems_are_listed_and_nothing_is_stored_until_confirmed(team):
    upload = _uploaded(team, PROBLEMS)
    client = team.client("leader")
    response = client.post(
        reverse("import_mapping", args=[upload.pk]), _mapping_data(upload, client)
    )
    assert response["Location"] == reverse("import_detail", args=[upload.pk])
    assert not Dataset.objects.exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "“lots” is not a number" in page.text
    assert "the customer name is missing" in page.text
    assert "Import the 1 valid rows and skip the 2 listed ones" in page.text

    response = client.post(reverse("import_confirm", args=[upload.pk]))
    dataset = Dataset.objects.get()
    assert response["Location"] == reverse("dataset_detail", args=[dataset.pk])
    assert (dataset.rows_imported, dataset.rows_skipped) == (1, 2)


def test_reps_cannot_confirm_an_import(team):
    upload = _uploaded(team, PROBLEMS)
    client = team.client("leader")
    client.post(reverse("import_mapping", args=[upload.pk]), _mapping_data(upload, client))
    response = team.client("rep").post(reverse("import_confirm", args=[upload.pk]))
    assert response.status_code == 403
    assert not Dataset.objects.exists()


def test_confirming_twice_does_not_import_twice(team):
    upload = _uploaded(team, PROBLEMS)
    client = team.client("leader")
    client.post(reverse("import_mapping", args=[upload.pk]), _mapping_data(upload, client))
    client.post(reverse("import_confirm", args=[upload.pk]))
    assert client.post(reverse("import_confirm", args=[upload.pk])).status_code == 409
    assert Dataset.objects.count() == 1


def test_big_files_run_as_a_task_and_the_page_shows_their_progress(team, settings):
    settings.IMPORT_INLINE_BYTES = 0  # every file goes to the task (run inline in tests)
    upload = _uploaded(team, CLEAN)
    client = team.client("leader")
    response = client.post(
        reverse("import_mapping", args=[upload.pk]), _mapping_data(upload, client)
    )
    dataset = Dataset.objects.get()
    assert response["Location"] == reverse("dataset_detail", args=[dataset.pk])


def test_a_running_import_polls_its_progress_and_stops_when_done(team):
    upload = _uploaded(team, CLEAN)
    ImportUpload.objects.filter(pk=upload.pk).update(
        state=ImportState.RUNNING,
        phase=ImportPhase.STORING,
        rows_done=500,
        rows_total=1000,
        heartbeat_at=timezone.now(),
    )
    client = team.client("leader")
    page = client.get(reverse("import_detail", args=[upload.pk]))
    assert 'hx-trigger="every 1s"' in page.text
    assert "500 of 1,000 rows" in page.text
    partial = client.get(reverse("import_detail", args=[upload.pk]), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text
    assert 'hx-trigger="every 1s"' in partial.text

    dataset = Dataset.objects.create(organization=team.organization, name="x.csv")
    ImportUpload.objects.filter(pk=upload.pk).update(state=ImportState.DONE, dataset=dataset)
    done = client.get(reverse("import_detail", args=[upload.pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == reverse("dataset_detail", args=[dataset.pk])


def test_an_order_file_is_aggregated_over_the_chosen_period(team):
    upload = _uploaded(team, ORDERS)
    client = team.client("leader")
    data = _mapping_data(upload, client, order_level="on", period="2024")
    response = client.post(reverse("import_mapping", args=[upload.pk]), data)
    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert dataset.period == "2024"
    beta = Customer.objects.get(dataset=dataset, external_id="C-2")
    assert (beta.revenue, beta.order_count) == (50, 1)

    client.post(reverse("dataset_aggregate", args=[dataset.pk]), {"period": "all"})
    beta.refresh_from_db()
    assert (beta.revenue, beta.order_count) == (100, 2)


def test_text_from_the_file_is_shown_escaped_on_the_import_pages(team):
    upload = _uploaded(team, "Name,Revenue,<script>x</script>\n<b>Bold</b>,lots,<i>\n")
    client = team.client("leader")
    mapping = client.get(reverse("import_mapping", args=[upload.pk]))
    assert "<script>x</script>" not in mapping.text
    assert "&lt;script&gt;x&lt;/script&gt;" in mapping.text
    client.post(reverse("import_mapping", args=[upload.pk]), _mapping_data(upload, client))
    problems = client.get(reverse("import_detail", args=[upload.pk]))
    assert "<b>Bold</b>" not in problems.text


def test_a_file_that_turns_out_unreadable_shows_one_sentence_and_stores_nothing(team):
    upload = _uploaded(team, CLEAN)
    ImportUpload.objects.filter(pk=upload.pk).update(state=ImportState.FAILED, message="damaged")
    page = team.client("leader").get(reverse("import_detail", args=[upload.pk]))
    assert "The spreadsheet is damaged or incomplete and cannot be read." in page.text
    assert "Nothing was stored." in page.text


def test_the_row_limit_refuses_a_small_file_when_it_arrives(team, settings):
    settings.IMPORT_MAX_ROWS = 1
    response = _upload(team.client("leader"), CLEAN)
    assert response.status_code == 400
    assert "more than 1 rows" in response.text
    assert not ImportUpload.objects.exists()


def test_the_preview_follows_the_form_before_it_is_valid(team):
    upload = _uploaded(team, CLEAN)
    client = team.client("leader")
    data = _mapping_data(upload, client, map_name="")
    response = client.get(reverse("import_mapping", args=[upload.pk]), data, HTTP_HX_REQUEST="true")
    assert "Choose the column that holds the customer name." in response.text


def _workbook() -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "Customers"
    first.append(["Name", "Revenue"])
    first.append(["Alpha", 100])
    second = book.create_sheet("Accounts")
    second.append(["Account name", "Seats", "=1+1"])
    second.append(["Beta", 7, "=B2*2"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WAIT = 'id="sample-status"'


def _poll(client, upload, **params):
    url = reverse("import_mapping", args=[upload.pk])
    return client.get(url, params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="sample-status")


@pytest.fixture
def queued_tasks(settings):
    """Tasks are queued, not run: the test runs them as the worker would."""
    from django.tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return default_task_backend.results


def test_a_workbook_is_read_once_by_the_worker_and_never_by_the_pages(
    team, queued_tasks, monkeypatch
):
    from portfolio.uploads.tasks import read_upload_sample

    client = team.client("leader")
    client.post(reverse("import_upload"), {"file": SimpleUploadedFile("crm.xlsx", _workbook())})
    upload = ImportUpload.objects.get()
    assert (upload.state, upload.file_kind) == (ImportState.READING, "xlsx")
    assert [(task.task.name, task.args) for task in queued_tasks] == [
        ("read_upload_sample", [upload.pk, ""])
    ]
    url = reverse("import_mapping", args=[upload.pk])
    page = client.get(url)
    assert WAIT in page.text and 'hx-trigger="every 1s"' in page.text
    assert reverse("import_discard", args=[upload.pk]) in page.text
    assert WAIT in _poll(client, upload).text
    assert len(queued_tasks) == 1  # asked once, however often the page polls

    assert read_upload_sample.call(upload.pk, "") is True  # the worker
    assert _poll(client, upload)["HX-Refresh"] == "true"

    # From now on the pages work on the kept sample and the kept sheet, never the workbook.
    from portfolio.imports import reading

    monkeypatch.setattr(reading, "workbook_to_csv", None)
    page = client.get(url)
    assert page.context["form"]["map_name"].value() == "Name"
    assert list(page.context["form"].fields["sheet"].choices) == [
        ("Customers", "Customers"),
        ("Accounts", "Accounts"),
    ]
    preview = page.context["preview"]
    assert [row["number"] for row in preview["rows"]] == [2]
    assert preview["complete"] and preview["row_count"] == 1
    partial = client.get(url, _mapping_data(upload, client, map_revenue=""), HTTP_HX_REQUEST="true")
    assert "Revenue" in partial.context["preview"]["unmapped"]
    response = client.post(url, _mapping_data(upload, client))
    assert response.status_code == 302
    assert list(Customer.objects.values_list("name", "revenue")) == [("Alpha", 100)]
    assert len(queued_tasks) == 1


def test_choosing_another_sheet_reads_that_sheet_and_imports_it(team):
    client = team.client("leader")
    client.post(reverse("import_upload"), {"file": SimpleUploadedFile("crm.xlsx", _workbook())})
    upload = ImportUpload.objects.get()
    url = reverse("import_mapping", args=[upload.pk])
    assert client.get(url).context["form"]["map_name"].value() == "Name"  # read on upload

    switched = client.get(url, {"sheet": "Accounts"})
    assert WAIT in switched.text  # the tests' task backend read it during that request
    upload.refresh_from_db()
    assert (upload.state, upload.sample["sheet"]) == (ImportState.UPLOADED, "Accounts")
    assert _poll(client, upload)["HX-Refresh"] == "true"
    second = client.get(url, {"sheet": "Accounts"})
    assert second.context["form"]["map_name"].value() == "Account name"

    data = _mapping_data(upload, client)
    data.update(sheet="Accounts", map_name="Account name", map_seats="Seats", map_revenue="")
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(Customer.objects.values_list("name", "seats")) == [("Beta", 7)]
    upload.refresh_from_db()
    assert (upload.state, upload.sample) == (ImportState.DONE, {})
    assert not upload.parts.exists()


def test_a_read_of_a_sheet_nobody_wants_any_more_is_not_kept(team, queued_tasks):
    from portfolio.uploads.tasks import read_upload_sample

    client = team.client("leader")
    client.post(reverse("import_upload"), {"file": SimpleUploadedFile("crm.xlsx", _workbook())})
    upload = ImportUpload.objects.get()
    url = reverse("import_mapping", args=[upload.pk])
    client.get(url, {"sheet": "Accounts"})
    assert read_upload_sample.call(upload.pk, "") is False
    assert read_upload_sample.call(upload.pk, "Accounts") is True
    upload.refresh_from_db()
    assert upload.sample["sheet"] == "Accounts"


def test_a_file_that_is_no_workbook_inside_its_zip_is_refused_at_once(team):
    file = SimpleUploadedFile("crm.xlsx", b"PK\x03\x04" + b"not a zip" * 50)
    response = team.client("leader").post(reverse("import_upload"), {"file": file})
    assert response.status_code == 400
    assert "The spreadsheet is damaged or incomplete and cannot be read." in response.text
    assert not ImportUpload.objects.exists()


def test_a_workbook_the_worker_cannot_read_shows_why_with_retry_and_discard(team, settings):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # a workbook whose sheets are missing
        archive.writestr("xl/workbook.xml", "<workbook/>")
    client = team.client("leader")
    client.post(
        reverse("import_upload"), {"file": SimpleUploadedFile("crm.xlsx", buffer.getvalue())}
    )
    upload = ImportUpload.objects.get()
    assert (upload.state, upload.message) == (ImportState.FAILED, "damaged")
    page = client.get(reverse("import_mapping", args=[upload.pk]))
    assert page.status_code == 400
    assert "The spreadsheet is damaged or incomplete and cannot be read." in page.text
    assert reverse("import_retry", args=[upload.pk]) in page.text
    assert reverse("import_discard", args=[upload.pk]) in page.text


def test_a_workbook_over_the_row_limit_is_refused_by_the_worker(team, settings):
    settings.IMPORT_MAX_ROWS = 0
    client = team.client("leader")
    client.post(reverse("import_upload"), {"file": SimpleUploadedFile("crm.xlsx", _workbook())})
    upload = ImportUpload.objects.get()
    assert upload.message == "too_many_rows"  # the worker counted the whole sheet
    page = client.get(reverse("import_mapping", args=[upload.pk]))
    assert page.status_code == 400
    assert "more than 0 rows" in page.text


def test_the_sample_keeps_the_first_rows_and_counts_them_all(team, monkeypatch):
    import io

    from openpyxl import Workbook

    from portfolio.uploads import samples

    monkeypatch.setattr(samples, "SAMPLE_ROWS", 2)
    book = Workbook()
    book.active.append(["Name", "Revenue", "Since"])
    for number in range(5):
        book.active.append([f"Customer {number}", 1000.5 * number, None])
    buffer = io.BytesIO()
    book.save(buffer)
    client = team.client("leader")
    client.post(
        reverse("import_upload"), {"file": SimpleUploadedFile("crm.xlsx", buffer.getvalue())}
    )
    upload = ImportUpload.objects.get()
    page = client.get(reverse("import_mapping", args=[upload.pk]))
    assert [row["number"] for row in page.context["preview"]["rows"]] == [2, 3]
    assert "Checked the first 2 rows of 5 so far" in page.text


# --- units, repeated customers, columns set aside: what the mapping page shows and takes -----

FORBES = "Firma;Umsatz (Mrd. USD);Gewinn (Mrd. USD)\nApple;383,29;97\nSAP;33,8;6,2\n"


def test_the_mapping_page_shows_each_money_columns_scale_and_currency_and_takes_changes(team):
    upload = _uploaded(team, FORBES)
    client = team.client("leader")
    page = client.get(reverse("import_mapping", args=[upload.pk]))
    money = {item["field"]: item for item in page.context["preview"]["money"]}
    assert (money["revenue"]["scale"], money["revenue"]["currency"]) == ("9", "USD")
    assert '<option value="9" selected>billions (× 1,000,000,000)</option>' in page.text
    assert '<option value="USD" selected>US dollar (USD)</option>' in page.text
    assert "All money of this list is in USD" in page.text
    assert "$383,290,000,000.00" in page.text  # the preview in the list's currency, scaled
    # An order-only field in a customer list: said, and kept as an extra column.
    assert "“Gewinn (Mrd. USD)” was matched to Order profit" in page.text

    data = _mapping_data(upload, client, scale_revenue="6", currency_revenue="EUR")
    data["units_for_revenue"] = "Umsatz (Mrd. USD)"
    response = client.post(reverse("import_mapping", args=[upload.pk]), data)
    dataset = Dataset.objects.get()
    assert response["Location"] == reverse("dataset_detail", args=[dataset.pk])
    assert dataset.currency == "EUR"
    assert Customer.objects.get(name="Apple").revenue == 383_290_000
    assert Customer.objects.get(name="SAP").extra == {"Gewinn (Mrd. USD)": "6,2"}


def test_a_new_column_for_a_money_field_is_detected_afresh(team):
    upload = _uploaded(team, "Name;Umsatz TEUR;Revenue (USD)\nA;1;2\n")
    client = team.client("leader")
    data = _mapping_data(upload, client, map_revenue="Revenue (USD)")
    data.update(scale_revenue="3", currency_revenue="EUR", units_for_revenue="Umsatz TEUR")
    partial = client.get(reverse("import_mapping", args=[upload.pk]), data, HTTP_HX_REQUEST="true")
    money = {item["field"]: item for item in partial.context["preview"]["money"]}
    assert (money["revenue"]["scale"], money["revenue"]["currency"]) == ("0", "USD")


def test_two_currencies_for_one_list_are_refused_on_the_mapping_page(team):
    upload = _uploaded(team, "Name,Revenue (EUR),Annual revenue (USD)\nA,1,2\n")
    client = team.client("leader")
    page = client.get(reverse("import_mapping", args=[upload.pk]))
    assert "The money columns are in different currencies" in page.text
    response = client.post(
        reverse("import_mapping", args=[upload.pk]), _mapping_data(upload, client)
    )
    assert response.status_code == 400
    assert "A customer list holds one currency" in response.text
    assert not Dataset.objects.exists()


REGISTER = """Raison Sociale;SIREN;Année;Chiffre d'affaires
Alpha SA;111;2021;120
Alpha SA;111;2022;150
Beta SARL;222;2022;60
"""


def test_a_register_with_a_year_per_row_offers_latest_sum_or_one_year(team):
    upload = _uploaded(team, REGISTER)
    client = team.client("leader")
    page = client.get(reverse("import_mapping", args=[upload.pk]))
    assert page.context["form"]["map_period"].value() == "Année"
    assert "The column “Année” holds periods" in page.text
    assert 'name="repeated" value="latest"' in page.text and "checked" in page.text
    assert list(page.context["form"].fields["repeated_period"].choices) == [
        ("2022", "2022"),
        ("2021", "2021"),
    ]
    assert page.context["preview"]["customer_count"] == 2
    data = _mapping_data(upload, client, repeated="sum")
    client.post(reverse("import_mapping", args=[upload.pk]), data)
    assert dict(Customer.objects.values_list("external_id", "revenue")) == {"111": 270, "222": 60}


def test_one_year_is_chosen_on_the_mapping_page(team):
    upload = _uploaded(team, REGISTER)
    client = team.client("leader")
    data = _mapping_data(upload, client, repeated="period", repeated_period="2021")
    client.post(reverse("import_mapping", args=[upload.pk]), data)
    assert dict(Customer.objects.values_list("external_id", "revenue")) == {"111": 120}
    dataset = Dataset.objects.get()
    page = client.get(reverse("dataset_detail", args=[dataset.pk]))
    assert "Rows of other periods left out</dt><dd>2" in page.text


def test_repeated_names_without_an_id_are_warned_about_and_can_be_merged(team):
    upload = _uploaded(team, "Company,Revenue\nAlpha,1\nAlpha,2\nBeta,3\n")
    client = team.client("leader")
    page = client.get(reverse("import_mapping", args=[upload.pk]))
    assert "There is no customer ID, and 1 row repeats the name of an earlier row" in page.text
    assert 'name="merge_names"' in page.text
    data = _mapping_data(upload, client, merge_names="on", repeated="sum")
    client.post(reverse("import_mapping", args=[upload.pk]), data)
    assert dict(Customer.objects.values_list("name", "revenue")) == {"Alpha": 3, "Beta": 3}


def test_every_page_shows_the_currency_of_its_customer_list(team):
    upload = _uploaded(team, "Company,Revenue (SEK)\nAlpha,1234.6\n")
    client = team.client("leader")
    client.post(reverse("import_mapping", args=[upload.pk]), _mapping_data(upload, client))
    dataset = Dataset.objects.get()
    assert (team.organization.currency, dataset.currency) == ("EUR", "SEK")
    page = client.get(reverse("dataset_detail", args=[dataset.pk]))
    assert "SEK\xa01,235" in page.text  # the customer list, whole amounts, rounded
    assert "€" not in page.text.split('id="customer-table"')[1]
    analysis = client.get(reverse("analysis_segments") + f"?dataset={dataset.pk}")
    assert "SEK\xa01,235" in analysis.text
