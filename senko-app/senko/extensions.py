"""Extension objects, created unbound here and bound to an app with ``init_app`` in the factory."""
import redis
from flask import current_app, request
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every model."""


class RedisClient:
    """A Redis connection pool bound to the app, like the other extensions."""

    def init_app(self, app):
        """Create the pool from ``SENKO_REDIS_URL``; no connection is opened until first use."""
        app.extensions["senko_redis"] = redis.Redis.from_url(
            app.config["SENKO_REDIS_URL"], socket_connect_timeout=2, socket_timeout=2, health_check_interval=30
        )

    @property
    def client(self) -> redis.Redis:
        """The Redis client of the current app."""
        return current_app.extensions["senko_redis"]


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
jwt = JWTManager()
cors = CORS()
redis_store = RedisClient()
def _write_rate() -> str:
    return current_app.config["SENKO_WRITE_RATE_LIMIT"]


def is_read() -> bool:
    """True for a request that changes nothing (GET, HEAD, OPTIONS): never rate-limited."""
    return request.method in ("GET", "HEAD", "OPTIONS")


# Writes only, per client address and route (SENKO_WRITE_RATE_LIMIT); login, refresh and uploads
# carry their own tighter limits (resources). An authenticated GET costs the limiter nothing.
limiter = Limiter(key_func=get_remote_address, default_limits=[_write_rate], default_limits_exempt_when=is_read,
                  strategy="fixed-window")
# A request filter exempts reads before the limiter resolves any limit (its per-request bookkeeping
# was ~5 % of an authenticated GET's time under uWSGI); ``default_limits_exempt_when`` alone still
# resolved every route's limits first.
limiter.request_filter(is_read)
