"""Authentication: accounts and password hashing (argon2id), JWT callbacks and token revocation (Redis)."""
