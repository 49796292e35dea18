"""WSGI entry point for uWSGI: ``module = senko_predict.wsgi:app``."""
from .app import create_app

app = create_app()
