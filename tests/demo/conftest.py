import pytest


@pytest.fixture(autouse=True)
def _development(settings):
    # setup_demo runs only in development (DEBUG=1); pytest-django turns DEBUG off. Tests of
    # the production refusal turn it off again themselves.
    settings.DEBUG = True
