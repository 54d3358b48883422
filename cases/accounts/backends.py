"""django-axes' authentication backend, for sign-ins that come with a request.

authenticate() without a request (a shell, a script, a test) has no client to throttle; axes would refuse it
outright, so this backend stands aside and the next backend checks the password as usual.
"""

from axes.backends import AxesStandaloneBackend


class AxesBackend(AxesStandaloneBackend):
    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
