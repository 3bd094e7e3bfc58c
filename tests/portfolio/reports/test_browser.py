"""The analysis pages in Chromium: htmx updates without reload, charts drawn, a model saved."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portfolio.models import ScoringModel
from tests.conftest import sign_in
from tests.factories import PASSWORD, CustomerFactory, DatasetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"


@pytest.fixture
def dataset(team):
    dataset = DatasetFactory(organization=team.organization, name="crm.csv")
    for i in range(1, 11):
        CustomerFactory(
            dataset=dataset,
            name=f"Customer {i:02d}",
            revenue=Decimal(1000 * i),
            seats=3 * i,
            margin=Decimal(10 + i),
        )
    return dataset


def test_a_leader_changes_the_abc_limits_and_saves_a_scoring_model(team, dataset, new_page):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, team.leader.user.email, PASSWORD)
    page.click("nav.main-nav >> text=Analysis")
    a_class = page.locator("#abc-classes tbody tr").first
    expect(a_class.locator("td").first).to_have_text("6")
    expect(page.locator("[data-chart=chart-abc] .main-svg").first).to_be_visible()

    page.evaluate("window.notReloaded = true")
    page.fill("#id_a_limit", "50")
    page.press("#id_a_limit", "Tab")
    # 10k + 9k + 8k = 27k of 55k is 49 %: the fourth customer crosses 50 % and is an A.
    expect(a_class.locator("td").first).to_have_text("4")
    assert page.evaluate("window.notReloaded") is True
    assert "a_limit=50" in page.url
    expect(page.locator("[data-chart=chart-abc] .main-svg").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "analysis-abc.png"), full_page=True)

    page.click(".analysis-tabs >> text=Value score")
    expect(page.locator("#score-customers tbody tr")).to_have_count(10)
    page.select_option("#id_p1_direction", "lower")
    expect(page.locator("#save-model input[name=p1_direction]")).to_have_value("lower")
    page.fill("#model-name", "Big but cheap")
    page.click("button:has-text('Save scoring model')")
    expect(page.locator(".message-success")).to_contain_text("Big but cheap")
    expect(page.locator("#saved-models")).to_contain_text("Big but cheap")
    model = ScoringModel.objects.get(organization=team.organization)
    assert model.parameters[1] == {"column": "margin", "weight": 1.0, "higher_is_better": False}
    page.screenshot(path=str(SCREENSHOTS / "analysis-scores.png"), full_page=True)
