"""Settings → Sync Studio: the sidecar's URL, whether the shared secret is configured, and a
"Test connection" button that says what is wrong (sidecar down, secret missing or mismatched,
database mismatch, Odoo's origin not admitted by the sidecar's CORS policy)."""
import os
from urllib.parse import urlsplit

import requests

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.http import request

from .. import panel_token

TIMEOUT_SECONDS = 5


def _normalized_url(value, label):
    if not value:
        return value
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UserError(_("%(label)s must be an http(s) URL such as https://sync.example.com, got %(value)r", label=label, value=value))
    return value


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sync_studio_sidecar_url = fields.Char(
        "Sidecar URL",
        config_parameter="sync_studio.sidecar_url",
        help="The Sync Studio sidecar as the browser reaches it, e.g. https://sync.example.com; the panel is loaded from /ui/ there.",
    )
    sync_studio_server_url = fields.Char(
        "Sidecar URL from the Odoo server",
        config_parameter="sync_studio.sidecar_server_url",
        help="Only when the Odoo server reaches the sidecar at another address than browsers do (e.g. http://sidecar:8080 in Docker); used by Test connection.",
    )
    sync_studio_secret_state = fields.Char("Shared secret", compute="_compute_sync_studio_secret_state")

    @api.depends("sync_studio_sidecar_url")
    def _compute_sync_studio_secret_state(self):
        try:
            state = _("configured") if panel_token.read_secret(tools.config, os.environ) else _("missing")
        except panel_token.SecretError as error:
            state = str(error)
        for settings in self:
            settings.sync_studio_secret_state = state

    def set_values(self):
        for settings in self:
            settings.sync_studio_sidecar_url = _normalized_url(settings.sync_studio_sidecar_url, _("Sidecar URL"))
            settings.sync_studio_server_url = _normalized_url(settings.sync_studio_server_url, _("Sidecar URL from the Odoo server"))
        return super().set_values()

    def action_sync_studio_test_connection(self):
        self.ensure_one()
        ok, message = self._sync_studio_check_connection()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Sync Studio connection"),
                "message": message,
                "type": "success" if ok else "danger",
                "sticky": not ok,
            },
        }

    def _sync_studio_check_connection(self):
        """(ok, message) for the URLs on the settings form, checked from the Odoo server."""
        browser_url = _normalized_url(self.sync_studio_sidecar_url, _("Sidecar URL"))
        if not browser_url:
            return False, _("Set the sidecar URL first.")
        url = _normalized_url(self.sync_studio_server_url, _("Sidecar URL from the Odoo server")) or browser_url
        try:
            health = requests.get(url + "/healthz", timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            return False, _("The sidecar is down or unreachable from the Odoo server at %(url)s: %(error)s", url=url, error=error)
        if health.status_code != 200:
            return False, _("%(url)s/healthz answered HTTP %(status)s: is this the Sync Studio sidecar?", url=url, status=health.status_code)
        try:
            token, _expires_at = self.env.user._sync_studio_panel_token()
        except UserError as error:
            return False, str(error)
        origin = _odoo_origin(self.env)
        headers = {"Authorization": "Bearer " + token}
        if origin:
            headers["Origin"] = origin
        try:
            answer = requests.get(url + "/api/session", headers=headers, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            return False, _("The sidecar stopped answering at %(url)s: %(error)s", url=url, error=error)
        dbname = self.env.cr.dbname
        if answer.status_code == 401:
            said = _error_message(answer)
            if "database" in said.lower():
                return False, _("Database mismatch: the sidecar refuses a token for database %(db)s (it says: %(said)s). Point its ODOO_DB and DATABASE_URL at this database.", db=dbname, said=said)
            return False, _("Secret mismatch: the sidecar refuses the token Odoo signed (it says: %(said)s). sync_studio_secret in Odoo's configuration must equal the sidecar's SYNC_STUDIO_SECRET.", said=said)
        if answer.status_code != 200:
            return False, _("%(url)s/api/session answered HTTP %(status)s: %(said)s", url=url, status=answer.status_code, said=_error_message(answer))
        session = answer.json()
        if session.get("odoo_db") is None:
            return False, _("The sidecar runs without an Odoo database (standalone mode): set its DATABASE_URL and ODOO_DB to this database, %(db)s.", db=dbname)
        if session["odoo_db"] != dbname:
            return False, _("Database mismatch: the sidecar serves database %(theirs)s, this Odoo database is %(ours)s.", theirs=session["odoo_db"], ours=dbname)
        if origin and urlsplit(browser_url)[:2] != urlsplit(origin)[:2] and answer.headers.get("Access-Control-Allow-Origin") != origin:
            return False, _("The sidecar answers, but its CORS policy does not admit this Odoo (%(origin)s), so browsers cannot load the panel: set the sidecar's SYNC_STUDIO_ODOO_ORIGIN=%(origin)s.", origin=origin)
        return True, _(
            "Connected: the sidecar at %(url)s serves database %(db)s and signs you in as %(role)s; pages of %(origin)s may load the panel.",
            url=url,
            db=dbname,
            role=session.get("role"),
            origin=origin or _("this Odoo"),
        )


def _odoo_origin(env):
    """This Odoo's origin as browsers see it: the current request's host, else web.base.url."""
    try:
        url = request.httprequest.host_url
    except (RuntimeError, AttributeError):  # no HTTP request (shell, cron)
        url = env["ir.config_parameter"].sudo().get_param("web.base.url")
    if not url:
        return None
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc)


def _error_message(response):
    try:
        return response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return response.text[:200]
