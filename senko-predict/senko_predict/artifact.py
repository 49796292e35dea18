"""The model file format: skops, loaded only when every type in it is on Senko's explicit allow-list.

A pickle runs code when it is loaded, so neither senko-app (which imports models and holds the
JWT key and the database password) nor senko-predict unpickles a model. Models are exchanged as
skops files (a zip of a JSON schema and numpy arrays): loading one builds only the types the
schema names, and ``loads`` refuses the file before building anything when a type (or a way of
building it) is not in ``TRUSTED_TYPES`` / ``LOADERS``. Refusals name what was refused.

The allow-list is exactly what the fitted pipelines of Senko's estimator factories
(``senko.training.estimators``) contain, found by dumping each one and reading its schema; a
test keeps it in step with scikit-learn. A model that needs anything else is refused: widen the
list here only for types that cannot run code when built.
"""
import io
import json
import zipfile

SUFFIX = ".skops"
MEDIA_TYPE = "application/octet-stream"
CONVERT_COMMAND = "flask models convert"

# Every type the schema of a Senko pipeline names ("module.Class"), and nothing else.
TRUSTED_TYPES = frozenset({
    "sklearn.pipeline.Pipeline",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",  # the vectorizer's inner step
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",  # one per calibration fold
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.svm._classes.LinearSVC",
    "numpy.ndarray",
    "numpy.float64",
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.str",  # also how skops stores every JSON value (numbers, booleans, None)
})

# How skops may build them: estimators from their attributes, containers, JSON values, numpy
# arrays (np.load without pickle), types named as values (a vectorizer's dtype). Never a function,
# a method, a partial or a constructor call, which are the nodes that can run something.
LOADERS = frozenset({"ObjectNode", "DictNode", "ListNode", "TupleNode", "JsonNode", "NdArrayNode", "TypeNode", "CachedNode"})

# Refuse before unpacking more than this (a zip's declared sizes bound what zipfile will inflate).
MAX_UNPACKED_BYTES = 512 * 1024 * 1024


class ArtifactRefused(ValueError):
    """A model file Senko will not load (untrusted types, broken), with a message for a person."""


class NotSkops(ArtifactRefused):
    """The file is not a skops file at all (a pickle, or anything else)."""


def dumps(pipeline) -> bytes:
    """The skops bytes of ``pipeline``; ``ArtifactRefused`` if it holds a type ``loads`` would refuse."""
    data = _skops().dumps(pipeline, compression=zipfile.ZIP_DEFLATED)  # the JSON schema shrinks ~15×
    untrusted = untrusted_types(data)
    if untrusted:
        raise ArtifactRefused(f"The model holds types Senko does not load: {', '.join(untrusted)} "
                              f"(allowed: the scikit-learn classes of Senko's own pipelines)")
    return data


def loads(data: bytes):
    """The pipeline in skops ``data``, built only after every type in it was found on the allow-list.

    ``NotSkops`` for a pickle or any other non-skops file, ``ArtifactRefused`` for untrusted types
    or a file skops cannot load. Nothing in the file is run or imported before the check.
    """
    untrusted = untrusted_types(data)
    if untrusted:
        raise ArtifactRefused(f"Refused: the file names types Senko does not trust: {', '.join(untrusted)}. "
                              "Senko loads only pipelines of TfidfVectorizer with LogisticRegression or "
                              "CalibratedClassifierCV(LinearSVC); nothing in the file was loaded or run.")
    try:
        return _skops().loads(data, trusted=sorted(TRUSTED_TYPES))
    except Exception as exc:  # skops' own audit, a broken archive, a missing array, a bad state
        raise ArtifactRefused(f"Not a loadable skops model ({type(exc).__name__}: {exc})") from None


def untrusted_types(data: bytes) -> list[str]:
    """The types (and skops loaders) in ``data``'s schema that are not allowed, sorted; ``NotSkops`` if no schema."""
    found = set()
    for node in _nodes(read_schema(data)):
        loader = node.get("__loader__")
        name = f"{node.get('__module__')}.{node.get('__class__')}"
        if loader not in LOADERS:
            found.add(f"{name} (built by {loader})")
        elif name not in TRUSTED_TYPES:
            found.add(name)
    return sorted(found)


def read_schema(data: bytes) -> dict:
    """The parsed ``schema.json`` of a skops file; ``NotSkops`` for a pickle or anything without one."""
    if looks_like_pickle(data):
        raise NotSkops("This is a pickle file. Pickle files run code when they are loaded, so Senko does not "
                       "accept them: export the model with skops instead (skops.io.dump(pipeline, 'model.skops')) "
                       "and upload the .skops file.")
    not_skops = NotSkops("Not a skops model file (a zip archive with schema.json): export the model with "
                         "skops.io.dump(pipeline, 'model.skops'). Pickle files are refused.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # not a zip: BadZipFile, or worse for hostile bytes
        raise not_skops from None
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise ArtifactRefused(f"The skops archive unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MiB")
        try:
            schema = json.loads(archive.read("schema.json"))
        except Exception:  # no schema.json, a corrupt member, not JSON, nested too deep
            raise not_skops from None
    if not isinstance(schema, dict):
        raise NotSkops("Not a skops model file: its schema.json is not an object")
    return schema


def looks_like_pickle(data: bytes) -> bool:
    """True for pickle data: protocol 2+ starts with 0x80, protocols 0-1 end with the STOP opcode ``.``."""
    return data[:1] == b"\x80" or (data[-1:] == b"." and not data.startswith(b"PK"))


def _nodes(value):
    """Every skops node (a dict with ``__loader__``) anywhere in ``value``, depth first, without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "__loader__" in item:
                yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _skops():
    """``skops.io``, imported on first use: importing it imports every scikit-learn estimator (seconds at
    start-up), which the API's and the worker's processes mostly never need."""
    import skops.io

    return skops.io
