"""Numbers, money, percentages and dates in the member's language, shown and typed."""

import datetime

import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from icp_site import l10n
from icp_site.models import Role
from portfolio.parsing.typed import parse_local_number
from portfolio.reports.forms import ScoreForm
from profiles.versions import traits
from tests.profiles.helpers import step, workshop_with_customers

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("de", "EUR", f"1.234.567,89{NBSP}€"),
        ("sv", "SEK", f"1{NBSP}234{NBSP}567,89{NBSP}kr"),
        ("sv", "EUR", f"1{NBSP}234{NBSP}567,89{NBSP}€"),
        ("en", "EUR", "€1,234,567.89"),
        ("zh-hans", "EUR", "€1,234,567.89"),
        ("zh-hans", "CNY", "¥1,234,567.89"),
        ("en", "CHF", f"CHF{NBSP}1,234,567.89"),
    ],
)
def test_money_is_written_the_way_the_language_writes_it(language, currency, expected):
    with translation.override(language):
        assert l10n.format_money(1234567.891, currency) == expected


def test_whole_amounts_and_negative_and_missing_money_read_naturally():
    with translation.override("en"):
        assert l10n.format_money(1440000, "EUR", digits=0) == "€1,440,000"
        assert l10n.format_money(-5, "EUR", digits=0) == "-€5"
        assert l10n.format_money(None, "EUR") == "—"
        assert l10n.format_money(float("nan"), "EUR") == "—"
    with translation.override("de"):
        assert l10n.format_money(-5, "EUR", digits=0) == f"-5{NBSP}€"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", f"60,0{NBSP}%"), ("sv", f"60,0{NBSP}%"), ("en", "60.0%"), ("zh-hans", "60.0%")],
)
def test_percentages_are_written_the_way_the_language_writes_them(language, expected):
    with translation.override(language):
        assert l10n.format_percent(60) == expected


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("de", "01.03.2025", "01.03.2025, 14:05"),
        ("sv", "2025-03-01", "2025-03-01 14:05"),
        ("zh-hans", "2025年3月1日", "2025年3月1日 14:05"),
        ("en", "1 Mar 2025", "1 Mar 2025, 14:05"),
    ],
)
def test_each_language_has_one_date_format_and_one_date_time_format(language, day, moment):
    when = datetime.datetime(2025, 3, 1, 14, 5)
    with translation.override(language):
        for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
            assert date_format(datetime.date(2025, 3, 1), name) == day
        for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert date_format(when, name) == moment
        assert l10n.format_date(when) == day and l10n.format_datetime(when) == moment


@pytest.mark.django_db
def test_the_money_tag_takes_the_organisations_currency(team):
    team.organization.currency = "SEK"
    template = Template("{% load l10n_money %}{% money x 0 %}|{{ s|percent }}")
    context = Context({"organization": team.organization, "x": 1440000, "s": 60})
    with translation.override("sv"):
        assert template.render(context) == f"1{NBSP}440{NBSP}000{NBSP}kr|60,0{NBSP}%"
    with translation.override("en"):
        assert template.render(context) == f"SEK{NBSP}1,440,000|60.0%"


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "12,5", 12.5),
        ("de", "1.234,5", 1234.5),
        ("de", "1.234", 1234),
        ("sv", "1 234,5", 1234.5),
        ("en", "1,234.5", 1234.5),
        ("en", "1.234", 1.234),
        ("zh-hans", "12.5", 12.5),
        ("de", "35 %", 35),
    ],
)
def test_numbers_are_read_as_the_member_types_them(language, text, expected):
    with translation.override(language):
        assert parse_local_number(text) == expected


def test_a_word_is_not_a_number():
    with translation.override("de"), pytest.raises(ValueError):
        parse_local_number("zwölf")


@pytest.mark.django_db
def test_a_german_leader_types_step_one_limits_with_a_decimal_comma(team):
    workshop = workshop_with_customers(team.organization)
    team.leader.user.language = "de"
    team.leader.user.save(update_fields=["language"])
    response = team.client("leader").post(
        reverse("workshop_step_save", args=[workshop.pk, 1]),
        {
            "metric": "seats",
            "preset": "custom",
            "small_max": "2,5",
            "medium_max": "12,5",
            "version": step(workshop, 1).version,
        },
    )
    assert response.status_code in (200, 302)
    assert step(workshop, 1).inputs["thresholds"] == [2.5, 12.5]
    page = team.client("leader").get(reverse("workshop_step", args=[workshop.pk, 1])).text
    assert 'value="12,5"' in page  # shown back the way it was typed


def test_scoring_band_limits_and_weights_accept_a_decimal_comma_in_german():
    with translation.override("de"):
        form = ScoreForm(
            {"intensify": "72,5", "p0_column": "revenue", "p0_weight": "1.234,5"},
            columns={"revenue": "Revenue"},
        )
        assert form.is_valid(), form.errors
    assert (form.cleaned_data["intensify"], form.cleaned_data["p0_weight"]) == (72.5, 1234.5)


def test_a_number_cell_in_the_tables_reads_german_thousands_and_decimals():
    column = traits.Column("employees", "Employees", "number")
    with translation.override("de"):
        assert traits.clean_value(column, "1.234,5") == 1234.5
        assert traits.clean_value(column, "12,5") == 12.5
    with translation.override("en"):
        assert traits.clean_value(column, "1,200") == 1200


@pytest.mark.django_db
def test_an_invitation_is_written_in_the_organisations_default_language(team):
    team.organization.default_language = "de"
    team.organization.save(update_fields=["default_language"])
    client = team.client("admin", HTTP_ACCEPT_LANGUAGE="sv")
    client.post(reverse("member_invite"), {"email": "nina@example.com", "role": Role.REP})
    [message] = mail.outbox
    with translation.override("de"):
        expected = gettext("Invitation to join %(name)s on ICP Workshop") % {"name": "Acme AB"}
    assert expected != "Invitation to join Acme AB on ICP Workshop"
    assert message.subject == expected
