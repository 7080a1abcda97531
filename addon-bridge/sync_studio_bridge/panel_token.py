"""Panel tokens: what the sidecar's server/src/auth/ verifies, minted here for the logged-in user.

A token is ``base64url(payload) + "." + base64url(HMAC-SHA256(secret, base64url(payload)))`` with
payload ``{"uid", "db", "role", "exp"}`` (compact JSON in that key order, ``exp`` in Unix seconds),
base64url without padding. Pure Python without any Odoo import, so the shared test vectors
(``addon-bridge/token-vectors.json``) run against it without an Odoo server.

The secret comes from Odoo's configuration file (``sync_studio_secret``) or the environment
(``SYNC_STUDIO_SECRET``), never from the database: task code's ``env`` acts as a technical Odoo
user and must not be able to read it and mint an administrator token.
"""
import base64
import hashlib
import hmac
import json

ROLES = ("user", "developer", "administrator")
CONFIG_KEY = "sync_studio_secret"
ENVIRONMENT_KEY = "SYNC_STUDIO_SECRET"
SECRET_MIN_LENGTH = 32
# Minutes, not hours: the panel asks for a new token before this runs out.
LIFETIME_SECONDS = 10 * 60


class SecretError(ValueError):
    """The shared secret is missing or too short."""


def _base64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign(secret, encoded_payload):
    digest = hmac.new(secret.encode("utf-8"), encoded_payload.encode("ascii"), hashlib.sha256).digest()
    return _base64url(digest)


def mint(secret, uid, db, role, exp):
    """The token for ``uid`` in database ``db`` with ``role``, valid until ``exp`` (Unix seconds)."""
    if role not in ROLES:
        raise ValueError("role must be one of %s, got %r" % (", ".join(ROLES), role))
    payload = {"uid": int(uid), "db": db, "role": role, "exp": int(exp)}
    encoded = _base64url(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    return "%s.%s" % (encoded, sign(secret, encoded))


def read_secret(config, environ):
    """The shared secret from Odoo's configuration (``config.get``) or else the environment.

    Returns None when neither has one; raises SecretError when the one found is too short.
    """
    value = config.get(CONFIG_KEY) or environ.get(ENVIRONMENT_KEY) or None
    if value is None:
        return None
    if not isinstance(value, str) or len(value) < SECRET_MIN_LENGTH:
        raise SecretError(
            "%s (Odoo configuration) / %s (environment) must be at least %d characters, the same as the sidecar's"
            % (CONFIG_KEY, ENVIRONMENT_KEY, SECRET_MIN_LENGTH)
        )
    return value


def role_for(in_group):
    """The highest Sync Studio role a user has, given ``in_group(role) -> bool``; None without any."""
    for role in reversed(ROLES):
        if in_group(role):
            return role
    return None
