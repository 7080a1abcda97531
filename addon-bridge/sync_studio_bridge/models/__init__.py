from . import res_config_settings
from . import res_users
from . import base_module_uninstall
