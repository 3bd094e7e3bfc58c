"""Factories for reviews (kept beside their tests; tests/factories.py holds the shared ones)."""

import datetime

import factory

from profiles.models import Review
from tests.factories import OrganizationFactory


class ReviewFactory(factory.django.DjangoModelFactory):
    """A scheduled review without reminders (tests that need them go through the service)."""

    class Meta:
        model = Review

    organization = factory.SubFactory(OrganizationFactory)
    date = datetime.date(2027, 5, 20)
    base_url = "https://icp.example.com/"
