"""The uninstall wizard tells the administrator what uninstalling leaves in PostgreSQL (the
sidecar's schema and pg triggers) and how to remove it, when this module is among those removed."""
from odoo import api, fields, models


class BaseModuleUninstall(models.TransientModel):
    _inherit = "base.module.uninstall"

    sync_studio_uninstalled = fields.Boolean(compute="_compute_sync_studio_uninstalled")

    @api.depends("module_id")
    def _compute_sync_studio_uninstalled(self):
        for wizard in self:
            wizard.sync_studio_uninstalled = "sync_studio_bridge" in wizard._get_modules().mapped("name")
