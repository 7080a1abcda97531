# Sync Studio bridge: Odoo's side of Sync Studio (the Node.js sidecar next to Odoo).
{
    "name": "Sync Studio",
    "summary": "Sync Studio's panel in Odoo's menu, signed in as the Odoo user",
    "description": """
Puts the Sync Studio panel (served by the Sync Studio sidecar) in Odoo's menu: Projects, Jobs and
Logs, for the Sync Studio groups User, Developer and Administrator. The panel signs in with a
short-lived token this module mints for the logged-in user with a secret shared with the sidecar
(`sync_studio_secret` in Odoo's configuration file, or the SYNC_STUDIO_SECRET environment
variable; never stored in the database). Settings -> Sync Studio sets the sidecar's URL and tests
the connection.
""",
    "version": "16.0.1.0.0",
    "category": "Productivity",
    "author": "Sync Studio",
    "license": "LGPL-3",
    "depends": ["base", "web"],
    "data": [
        "security/sync_studio_security.xml",
        "views/sync_studio_menus.xml",
        "views/res_config_settings_views.xml",
        "views/base_module_uninstall_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sync_studio_bridge/static/src/panel_action/*",
        ],
    },
    "application": True,
    "installable": True,
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
}
