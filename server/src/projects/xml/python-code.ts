/**
 * Tells upstream Python task code from JavaScript, so an imported upstream project keeps its code
 * but its tasks are archived instead of failing at every run.
 */
const pythonDefinition = /^(async\s+)?def\s+\w+\s*\(|^from\s+[\w.]+\s+import\s/m;
const javascriptFunction = /^\s*(export\s+)?(async\s+)?function\b/m;

/** True for code with a Python `def`/`from … import` at a line start and no JavaScript function in it. */
export function looksLikePython(code: string): boolean {
  return pythonDefinition.test(code) && !javascriptFunction.test(code);
}
