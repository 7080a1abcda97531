"""The JSON route the panel's client action calls for its token (and again before it expires)."""
from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request


class SyncStudioPanel(http.Controller):
    @http.route("/sync_studio/panel_session", type="json", auth="user", methods=["POST"])
    def panel_session(self):
        sidecar_url = request.env["ir.config_parameter"].sudo().get_param("sync_studio.sidecar_url")
        if not sidecar_url:
            raise UserError(_("Sync Studio's sidecar URL is not set: an administrator sets it in Settings → Sync Studio."))
        token, expires_at = request.env.user._sync_studio_panel_token()
        return {"token": token, "expires_at": expires_at, "sidecar_url": sidecar_url.rstrip("/")}
