/**
 * Starts the Odoo double for manual checks: `node dist/test/odoo-double/cli.js --port 8069
 * [--database odoo ...]`. Ctrl-C stops it and drops its databases.
 */
import { Command } from 'commander';
import { startOdooDouble } from './index.js';

const program = new Command('odoo-double')
  .option('--port <port>', 'TCP port', '8069')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--database <name...>', 'Odoo database names', ['odoo'])
  .option('--close-connections', 'close each HTTP connection after the response, like Odoo')
  .parse();
const options = program.opts<{ port: string; host: string; database: string[]; closeConnections?: boolean }>();

const double = await startOdooDouble({
  port: Number(options.port),
  host: options.host,
  databases: options.database,
  closeConnections: options.closeConnections ?? false,
});
console.log(`Odoo double listening on ${double.url} (databases: ${options.database.join(', ')}; login admin / admin)`);
const stop = (): void => {
  double.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
