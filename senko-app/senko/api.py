"""The whole URL map of senko-app in one table."""
import flask_restful
from werkzeug.routing import BaseConverter

from .resources.applicants import (
    ApplicantCreateResource,
    ApplicantDecisions,
    ApplicantList,
    ApplicantPage,
    ApplicantResource,
)
from .resources.audit import AuditList
from .resources.bulk_jobs import ApplicantsRescore, ApplicantsRetokenize, JobDetail, JobList
from .resources.events import EventList
from .resources.fairness import FairnessReport
from .resources.governance import ModelCard, ModelCardAck, ModelShadow
from .resources.health import Healthy, Ready
from .resources.imports import ImportCommit, ImportDetail, ImportList, ImportReport
from .resources.ml_models import (
    ModelActivate,
    ModelDetail,
    ModelExport,
    ModelImport,
    ModelList,
    ModelRollback,
    ModelTrain,
)
from .resources.nouns import ApplicantNouns, NounStats
from .resources.resumes import ApplicantBulk, ApplicantResume
from .resources.sources import (
    AllowList,
    SourceDetail,
    SourceList,
    SourceRunNow,
    SourceRuns,
    SourceTestNew,
    SourceTestSavedResource,
)
from .resources.stats import ApplicantHistogram
from .resources.users import (
    UserCreateResource,
    UserDetail,
    UserList,
    UserLogin,
    UserLogout,
    UserLogoutAll,
    UserLogoutRefresh,
    UserMe,
    UserPassword,
    UserRefresh,
)


class ModelVersion(BaseConverter):
    """A model version (``v3``): ``/models/train`` and its siblings are never taken for one."""

    regex = r"v[0-9]+"


class Api(flask_restful.Api):
    """Flask-RESTful, but every error goes to the app's handlers (``senko.errors``).

    Flask-RESTful's own handler would turn flask-jwt-extended's exceptions into 500s.
    """

    def error_router(self, original_handler, e):
        return original_handler(e)


ROUTES = [
    (Healthy, "/healthy"),
    (Ready, "/ready"),
    (UserCreateResource, "/user"),
    (UserLogin, "/user/login"),
    (UserRefresh, "/user/refresh"),
    (UserLogout, "/user/logout"),
    (UserLogoutRefresh, "/user/logout/refresh"),
    (UserLogoutAll, "/user/logout/all"),
    (UserList, "/user/list"),
    (UserMe, "/user/me"),
    (UserPassword, "/user/me/password"),
    (UserDetail, "/user/<int:user_id>"),
    (ApplicantCreateResource, "/applicant"),
    (ApplicantPage, "/applicant/<int:limit>/<int:page>"),
    (ApplicantList, "/applicants"),
    (ApplicantResource, "/applicant/<int:applicant_id>"),
    (ApplicantResume, "/applicant/<int:applicant_id>/resume"),
    (ApplicantNouns, "/applicant/<int:applicant_id>/nouns"),
    (ApplicantDecisions, "/applicant/<int:applicant_id>/decisions"),
    (ApplicantBulk, "/applicant/bulk"),
    (ApplicantHistogram, "/applicants/histogram"),
    (ApplicantsRescore, "/applicants/rescore"),
    (ApplicantsRetokenize, "/applicants/retokenize"),
    (NounStats, "/nouns"),
    (EventList, "/events"),
    (AuditList, "/audit"),
    (JobList, "/jobs"),
    (JobDetail, "/jobs/<int:job_id>"),
    (ModelList, "/models"),
    (ModelTrain, "/models/train"),
    (ModelRollback, "/models/rollback"),
    (ModelImport, "/models/import"),
    (ModelDetail, "/models/<version:version>"),
    (ModelActivate, "/models/<version:version>/activate"),
    (ModelExport, "/models/<version:version>/export"),
    (ModelCard, "/models/<version:version>/card"),
    (ModelCardAck, "/models/<version:version>/card/ack"),
    (ModelShadow, "/models/<version:version>/shadow"),
    (FairnessReport, "/fairness/report"),
    (SourceList, "/sources"),
    (AllowList, "/sources/allow-list"),
    (SourceTestNew, "/sources/test"),
    (SourceDetail, "/sources/<int:source_id>"),
    (SourceRunNow, "/sources/<int:source_id>/run"),
    (SourceRuns, "/sources/<int:source_id>/runs"),
    (SourceTestSavedResource, "/sources/<int:source_id>/test"),
    (ImportList, "/imports"),
    (ImportDetail, "/imports/<int:import_id>"),
    (ImportCommit, "/imports/<int:import_id>/commit"),
    (ImportReport, "/imports/<int:import_id>/report"),
]


def init_app(app):
    """Register every route of ``ROUTES`` on ``app``."""
    app.url_map.converters["version"] = ModelVersion
    api = Api()
    for resource, url in ROUTES:
        api.add_resource(resource, url)
    api.init_app(app)
