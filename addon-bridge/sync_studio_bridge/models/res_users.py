"""A user's Sync Studio role (from the module's groups) and the panel token minted for it."""
import os
import time

from odoo import _, models, tools
from odoo.exceptions import AccessError, UserError

from .. import panel_token

GROUPS = {
    "user": "sync_studio_bridge.group_sync_studio_user",
    "developer": "sync_studio_bridge.group_sync_studio_developer",
    "administrator": "sync_studio_bridge.group_sync_studio_administrator",
}


def shared_secret():
    """The secret shared with the sidecar, from odoo.conf or the environment; never the database."""
    try:
        secret = panel_token.read_secret(tools.config, os.environ)
    except panel_token.SecretError as error:
        raise UserError(str(error)) from None
    if secret is None:
        raise UserError(
            _(
                "Sync Studio's shared secret is not configured: add sync_studio_secret to Odoo's configuration "
                "file (or SYNC_STUDIO_SECRET to Odoo's environment), the same value as the sidecar's "
                "SYNC_STUDIO_SECRET, and restart Odoo."
            )
        )
    return secret


class ResUsers(models.Model):
    _inherit = "res.users"

    def _sync_studio_role(self):
        self.ensure_one()
        return panel_token.role_for(lambda role: self.has_group(GROUPS[role]))

    def _sync_studio_panel_token(self):
        """(token, expiry in Unix seconds) for this user in this database; AccessError without a group."""
        self.ensure_one()
        role = self._sync_studio_role()
        if role is None:
            raise AccessError(_("You are in no Sync Studio group; ask an administrator for access."))
        expires_at = int(time.time()) + panel_token.LIFETIME_SECONDS
        token = panel_token.mint(shared_secret(), self.id, self.env.cr.dbname, role, expires_at)
        return token, expires_at
