"""Commands for operators."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from icp_site.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_create_organization_makes_the_first_admin_who_can_set_a_password():
    out = StringIO()
    call_command(
        "create_organization", "--name", "Example AB", "--admin-email", "Boss@Example.com",
        stdout=out,
    )  # fmt: skip
    membership = Membership.objects.get(organization__slug="example-ab")
    assert membership.role == Role.ADMIN
    assert membership.user.email == "boss@example.com"
    link = out.getvalue().split("Choose the password here: ")[1].strip()
    path = link.removeprefix("http://127.0.0.1:8000")
    response = Client().get(path, follow=True)
    assert "Choose a password" in response.text
    assert "expired" not in response.text


def test_create_organization_refuses_a_taken_short_name():
    call_command("create_organization", "--name", "A", "--slug", "a", "--admin-email", "a@x.io")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_organization", "--name", "B", "--slug", "a", "--admin-email", "b@x.io")
