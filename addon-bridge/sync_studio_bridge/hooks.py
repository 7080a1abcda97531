"""Install: the sidecar's URLs may come from Odoo's configuration or environment (handy in Docker);
uninstall: Odoo removes the module's own records (menus, actions, groups, views) and this removes
the system parameters the settings created, then says what stays in PostgreSQL."""
import logging
import os

from odoo import SUPERUSER_ID, api, tools

_logger = logging.getLogger(__name__)

# system parameter → (odoo.conf option, environment variable) that preset it at install time
PRESETS = {
    "sync_studio.sidecar_url": ("sync_studio_sidecar_url", "SYNC_STUDIO_SIDECAR_URL"),
    "sync_studio.sidecar_server_url": ("sync_studio_sidecar_server_url", "SYNC_STUDIO_SIDECAR_SERVER_URL"),
}

SIDECAR_CLEANUP = (
    "Sync Studio's Odoo module is uninstalled. The sidecar's own data stays in this database until "
    "you remove it: stop the sidecar, then run `sync-studio uninstall-capture` (drops the pg triggers "
    "it installed on Odoo's tables) and `DROP SCHEMA sync_studio CASCADE; DROP SCHEMA graphile_worker "
    "CASCADE;` (projects, jobs, logs, links and the job queue). See docs/deploy.md, 'Removing Sync Studio'."
)


def _env(args):
    # Odoo 16 calls hooks with (cr, registry); Odoo 17 with (env).
    return args[0] if len(args) == 1 else api.Environment(args[0], SUPERUSER_ID, {})


def post_init_hook(*args):
    params = _env(args)["ir.config_parameter"].sudo()
    for key, (option, variable) in PRESETS.items():
        value = tools.config.get(option) or os.environ.get(variable)
        if value and not params.get_param(key):
            params.set_param(key, value.rstrip("/"))


def uninstall_hook(*args):
    _env(args)["ir.config_parameter"].sudo().search([("key", "=like", "sync_studio.%")]).unlink()
    _logger.warning(SIDECAR_CLEANUP)
