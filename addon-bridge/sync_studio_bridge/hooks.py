"""Uninstall: Odoo removes the module's own records (menus, actions, groups, views); this removes
the system parameters the settings created and tells the administrator what stays in PostgreSQL."""
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

SIDECAR_CLEANUP = (
    "Sync Studio's Odoo module is uninstalled. The sidecar's own data stays in this database until "
    "you remove it: stop the sidecar, then run `sync-studio uninstall-capture` (drops the pg triggers "
    "it installed on Odoo's tables) and `DROP SCHEMA sync_studio CASCADE; DROP SCHEMA graphile_worker "
    "CASCADE;` (projects, jobs, logs, links and the job queue). See docs/deploy.md, 'Removing Sync Studio'."
)


def uninstall_hook(*args):
    # Odoo 16 calls uninstall_hook(cr, registry); Odoo 17 calls uninstall_hook(env).
    env = args[0] if len(args) == 1 else api.Environment(args[0], SUPERUSER_ID, {})
    env["ir.config_parameter"].sudo().search([("key", "=like", "sync_studio.%")]).unlink()
    _logger.warning(SIDECAR_CLEANUP)
