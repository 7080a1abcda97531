/**
 * Projects and everything they own — params, texts, secrets, tasks and the four trigger kinds —
 * with validated writes, duplication, and what each role may see. XML project files live in
 * `xml/`.
 */
export * from './resources.js';
export * from './store.js';
export * from './duplicate.js';
export * from './present.js';
export * from './summary.js';
export * from './routes.js';
