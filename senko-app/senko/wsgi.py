"""WSGI entry point for uWSGI: ``module = senko.wsgi:app``."""
from . import create_app

app = create_app()
