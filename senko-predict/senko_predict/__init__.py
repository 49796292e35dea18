"""senko-predict: the scoring sidecar.

``app`` builds the Flask service (``create_app``), ``wsgi`` is uWSGI's entry point, ``contract``
is what senko-app and this service agree on (the model input and the ``/predict`` bodies).
Nothing is imported here: senko-app imports ``senko_predict.contract`` alone, without Flask.
"""
