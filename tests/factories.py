"""factory_boy factories shared by the tests."""

import datetime
from decimal import Decimal

import factory

from icp_site.models import ApiToken, Membership, Organization, Role, User
from icp_site.tokens.services import api_token_create
from portfolio.imports.reading import ImportFileError, file_kind
from portfolio.models import Customer, Dataset, ImportState, ImportUpload
from portfolio.uploads.samples import text_sample
from portfolio.uploads.storage import parts_store
from profiles.models import ProfileVersion, Workshop
from profiles.versions.services import profile_version_publish, profile_version_save
from profiles.workshop.services import workshop_create

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


def profile_content(**overrides) -> dict:
    """A small valid profile content (the schema of profiles.versions.diff)."""
    content = {
        "traits": [
            {
                "key": "industry",
                "label": "Industry",
                "value": "IT",
                "relevant": True,
                "source": "company",
            }
        ],
        "criteria": [
            {
                "segment": "do-or-die",
                "attribute": "industry",
                "operator": "in",
                "value": ["IT"],
                "note": "",
            }
        ],
        "notes": {"do-or-die": "", "neutral": "", "do-not": ""},
        "decisions": [],
    }
    return {**content, **overrides}


class ProfileVersionFactory(factory.django.DjangoModelFactory):
    """A saved profile version, numbered through the service like the app numbers them."""

    class Meta:
        model = ProfileVersion

    workshop = factory.SubFactory(WorkshopFactory)
    author = None
    note = "Saved in a test"
    content = factory.LazyFunction(profile_content)

    @classmethod
    def _create(cls, model_class, *args, workshop, author, note, content, **kwargs):
        return profile_version_save(workshop=workshop, user=author, note=note, content=content)


class ImportUploadFactory(factory.django.DjangoModelFactory):
    """An uploaded file whose check found one problem row."""

    class Meta:
        model = ImportUpload
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    file_name = "customers.csv"
    size = 33
    state = ImportState.INVALID
    report = factory.LazyFunction(
        lambda: {"row_count": 2, "valid_count": 1, "invalid_count": 1, "errors": []}
    )

    @factory.post_generation
    def content(upload, create, extracted, **kwargs):
        """The file's bytes, kept as the upload keeps them; a text file is sampled too."""
        if not create:
            return
        data = b"Name,Revenue\nAlpha,100\nBeta,lots\n" if extracted is None else extracted
        parts_store(upload=upload, chunks=[data])
        try:
            kind = file_kind(data) if data else "text"
        except ImportFileError:
            kind = "xlsx"
        upload.file_kind, upload.size = kind, len(data)
        if kind == "text" and not upload.sample and data.strip():
            try:
                upload.sample = text_sample(data, upload.file_name, complete=True, max_rows=10**6)
            except ImportFileError:
                upload.sample = {}
        upload.save(update_fields=["file_kind", "size", "sample"])


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """An API token made through the service; `secret` holds the one-time secret."""

    class Meta:
        model = ApiToken

    membership = factory.SubFactory(MembershipFactory)
    name = factory.Sequence(lambda n: f"Token {n}")

    @classmethod
    def _create(cls, model_class, *args, membership, name, **kwargs):
        token, secret = api_token_create(membership=membership, name=name)
        token.secret = secret
        return token


def publish(version, user=None, **kwargs):
    """Publish a version through the service, as the app does."""
    return profile_version_publish(version=version, user=user, **kwargs)
