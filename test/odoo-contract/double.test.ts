/**
 * The contract suite against the Odoo double (always runs), as admin and as a technical user
 * without Administration / Access Rights (what the docs recommend for the sidecar).
 */
import { startOdooDouble } from '../odoo-double/index.js';
import { adminPassword } from '../odoo-double/index.js';
import { defineOdooContract } from './contract.js';

defineOdooContract('Odoo double as admin', async () => {
  const double = await startOdooDouble({ databases: ['odoo'] });
  return {
    options: { url: double.url, db: 'odoo', login: 'admin', password: adminPassword },
    accessRights: true,
    stop: () => double.stop(),
  };
});

defineOdooContract('Odoo double as a technical user', async () => {
  const double = await startOdooDouble({ databases: ['odoo'] });
  await double.addUser('odoo', { login: 'sync_tech', password: 'sync_tech', name: 'Sync Studio technical user' });
  return {
    options: { url: double.url, db: 'odoo', login: 'sync_tech', password: 'sync_tech' },
    accessRights: false,
    stop: () => double.stop(),
  };
});
