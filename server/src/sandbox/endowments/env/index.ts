/**
 * env/: Odoo for task code, running INSIDE the SES sandbox: plain ES2022, no Node modules, no host
 * imports. `createEnv({execute, context, links})` gives `env['model']` models and record sets whose
 * every Odoo call goes through `execute` (the host does the I/O) with the context added; record sets
 * travel as JSON through encodeRecordSets / decodeRecordSets.
 */
export { createEnv, type Env, type EnvApi, type EnvOptions } from './env.js';
export { RecordSet, readChunkSize, type RecordLinks } from './record-set.js';
export { Model, type Domain, type SearchOptions } from './model.js';
export { EnvError, type Execute, type FieldValues } from './core.js';
export { encodeRecordSets, decodeRecordSets } from './encoding.js';
