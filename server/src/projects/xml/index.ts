/**
 * Project files: export of a project as an Odoo XML data file in the record layout of the upstream
 * module's "Export to XML", and idempotent import of such files by xml id (including upstream
 * files, whose Python tasks are kept but archived). Decisions: docs/decisions/*-project-files.md.
 */
export { exportProject, type ExportOptions } from './export.js';
export { readExportHeader } from './export-header.js';
export { importProjectXml, type ImportOptions, type ImportReport } from './import.js';
export { projectFileRoutes, type ProjectFileRoutesDeps } from './routes.js';
