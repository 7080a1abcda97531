/** The contract suite against the Odoo double (always runs). */
import { startOdooDouble } from '../odoo-double/index.js';
import { adminPassword } from '../odoo-double/index.js';
import { defineOdooContract } from './contract.js';

defineOdooContract('Odoo double', async () => {
  const double = await startOdooDouble({ databases: ['odoo'] });
  return { options: { url: double.url, db: 'odoo', login: 'admin', password: adminPassword }, stop: () => double.stop() };
});
