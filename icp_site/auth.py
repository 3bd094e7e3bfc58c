"""Sign-in by e-mail address, whatever its capitalisation, behind django-axes' lockout."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, for sign-ins through a request (the sign-in form); the test
    client's and the shell's `authenticate()` without a request are not throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        email = kwargs.get("email", username)
        if email is None:
            return None
        return super().authenticate(request, username=email.strip().lower(), password=password)
