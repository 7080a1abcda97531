/**
 * The code editor, loaded on demand (its own chunk; the first screen never loads it): CodeMirror 6
 * with JavaScript highlighting, line numbers, bracket matching, search (Ctrl/Cmd+F) and the
 * server's syntax check marking each problem on its line while the user types.
 */
import { basicSetup } from 'codemirror';
import { EditorView, keymap } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { javascript } from '@codemirror/lang-javascript';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import type { SyntaxProblem } from '../api/types.js';

export interface EditorOptions {
  parent: HTMLElement;
  root: ShadowRoot;
  doc: string;
  label: string;
  readOnly: boolean;
  onChange: (code: string) => void;
  onSave: () => void;
  /** The server's syntax check; its problems become diagnostics on their lines. */
  check: (code: string) => Promise<SyntaxProblem[]>;
  onProblems: (problems: SyntaxProblem[]) => void;
}

export function createEditor(options: EditorOptions): EditorView {
  const syntax = linter(
    async (view) => {
      const problems = await options.check(view.state.doc.toString()).catch(() => []);
      options.onProblems(problems);
      return problems.map((p): Diagnostic => {
        const line = view.state.doc.line(Math.min(Math.max(p.line, 1), view.state.doc.lines));
        // The server counts columns from 1.
        const from = Math.min(line.from + Math.max(p.column - 1, 0), line.to);
        return { from, to: Math.max(from, Math.min(line.to, from + 1)), severity: 'error', message: p.message };
      });
    },
    { delay: 300 },
  );
  return new EditorView({
    parent: options.parent,
    root: options.root,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        keymap.of([
          {
            key: 'Mod-s',
            preventDefault: true,
            run: () => {
              options.onSave();
              return true;
            },
          },
        ]),
        basicSetup,
        javascript(),
        // Read-only viewers (role user) are not allowed the server's syntax check, nor need it.
        ...(options.readOnly ? [] : [syntax, lintGutter()]),
        EditorState.readOnly.of(options.readOnly),
        EditorView.contentAttributes.of({ 'aria-label': options.label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
        EditorView.theme({
          '&': { border: '1px solid #d8dadd', backgroundColor: '#fff', fontSize: '13px' },
          '.cm-scroller': {
            minHeight: '280px',
            maxHeight: '70vh',
            fontFamily: "SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
          },
        }),
      ],
    }),
  });
}
