"""Authentication (JWT + Redis revocation), password hashing and role checks."""
