#!/bin/sh
# senko-redis entrypoint: renders Senko's Redis users (users.acl, the same file `make up` renders)
# from the passwords in the environment, then runs the command (redis-server --aclfile ...).
# Only SHA-256 hashes are written (the default user's: of random bytes, so nobody has its password);
# the passwords are removed from the server's environment.
set -eu
: "${SENKO_REDIS_APP_PASSWORD:?set SENKO_REDIS_APP_PASSWORD}"
: "${SENKO_REDIS_BROKER_PASSWORD:?set SENKO_REDIS_BROKER_PASSWORD}"
: "${SENKO_REDIS_ADMIN_PASSWORD:?set SENKO_REDIS_ADMIN_PASSWORD}"
# Where the image keeps them (SENKO_REDIS_ACL_TEMPLATE / _ACLFILE: other paths, for the tests).
template=${SENKO_REDIS_ACL_TEMPLATE:-/usr/local/etc/redis/users.acl.template}
target=${SENKO_REDIS_ACLFILE:-/usr/local/etc/redis/users.acl}

sha256() {
    printf '%s' "$1" | sha256sum | cut -d ' ' -f 1
}

umask 077
# Hex digests: safe as sed replacements whatever the passwords hold.
sed -e '/^#/d' -e '/^[[:space:]]*$/d' \
    -e "s/{{APP_PASSWORD_SHA256}}/$(sha256 "$SENKO_REDIS_APP_PASSWORD")/" \
    -e "s/{{BROKER_PASSWORD_SHA256}}/$(sha256 "$SENKO_REDIS_BROKER_PASSWORD")/" \
    -e "s/{{ADMIN_PASSWORD_SHA256}}/$(sha256 "$SENKO_REDIS_ADMIN_PASSWORD")/" \
    -e "s/{{DEFAULT_PASSWORD_SHA256}}/$(head -c 32 /dev/urandom | sha256sum | cut -d ' ' -f 1)/" \
    "$template" > "$target"
if grep -q '{{' "$target"; then
    echo "senko-redis: users.acl has a placeholder this script does not fill" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ] && id redis >/dev/null 2>&1; then
    chown redis:redis "$target"  # the image's entrypoint runs redis-server as redis
fi
unset SENKO_REDIS_APP_PASSWORD SENKO_REDIS_BROKER_PASSWORD SENKO_REDIS_ADMIN_PASSWORD
exec "$@"
