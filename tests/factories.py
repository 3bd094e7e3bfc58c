"""factory_boy factories shared by the tests."""

import datetime
from decimal import Decimal

import factory

from icp_site.models import Membership, Organization, Role, User
from portfolio.models import Customer, Dataset
from profiles.models import Workshop
from profiles.services import workshop_create

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.REP


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"customers-{n}.csv")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    dataset = factory.SubFactory(DatasetFactory)
    organization = factory.SelfAttribute("dataset.organization")
    name = factory.Sequence(lambda n: f"Customer {n}")
    external_id = factory.Sequence(lambda n: f"C-{n}")
    revenue = Decimal("1000.00")
    seats = 3


class WorkshopFactory(factory.django.DjangoModelFactory):
    """A workshop with its six steps, made through the service like the app makes them."""

    class Meta:
        model = Workshop

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    date = datetime.date(2026, 11, 23)
    dataset = factory.SubFactory(
        DatasetFactory, organization=factory.SelfAttribute("..organization")
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return workshop_create(user=None, participants=(), **kwargs)
