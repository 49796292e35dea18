"""Flask-RESTful resources, one module per noun; the URL map is in ``senko.api``."""
