"""The whole URL map of senko-app in one table."""
import flask_restful

from .resources.applicants import ApplicantCreateResource, ApplicantPage, ApplicantResource
from .resources.events import EventList
from .resources.health import Healthy, Ready
from .resources.ml_models import ModelActivate, ModelDetail, ModelImport, ModelList, ModelRollback, ModelTrain
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
from .resources.users import (
    UserCreateResource,
    UserList,
    UserLogin,
    UserLogout,
    UserLogoutRefresh,
    UserMe,
    UserRefresh,
)


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
    (UserList, "/user/list"),
    (UserMe, "/user/me"),
    (ApplicantCreateResource, "/applicant"),
    (ApplicantPage, "/applicant/<int:limit>/<int:page>"),
    (ApplicantResource, "/applicant/<int:applicant_id>"),
    (ApplicantResume, "/applicant/<int:applicant_id>/resume"),
    (ApplicantNouns, "/applicant/<int:applicant_id>/nouns"),
    (ApplicantBulk, "/applicant/bulk"),
    (NounStats, "/nouns"),
    (EventList, "/events"),
    (ModelList, "/models"),
    (ModelTrain, "/models/train"),
    (ModelRollback, "/models/rollback"),
    (ModelImport, "/models/import"),
    (ModelDetail, "/models/<string:version>"),
    (ModelActivate, "/models/<string:version>/activate"),
    (SourceList, "/sources"),
    (AllowList, "/sources/allow-list"),
    (SourceTestNew, "/sources/test"),
    (SourceDetail, "/sources/<int:source_id>"),
    (SourceRunNow, "/sources/<int:source_id>/run"),
    (SourceRuns, "/sources/<int:source_id>/runs"),
    (SourceTestSavedResource, "/sources/<int:source_id>/test"),
]


def init_app(app):
    """Register every route of ``ROUTES`` on ``app``."""
    api = Api()
    for resource, url in ROUTES:
        api.add_resource(resource, url)
    api.init_app(app)
