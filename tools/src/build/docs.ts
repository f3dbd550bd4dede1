// Documentation that only the generators read stays out of device bundles. The texts stay where they are written
// (one source of truth: `npm run gen` reads them from the same modules); when esbuild loads a module for a device
// bundle, this plugin takes them out of its syntax tree first:
//
//   - `<schema>.about('…')`  → `<schema>`             (field meanings: protocol/src/fields.ts `Field.about`)
//   - `{ …, summary: '…' }` → `{ … }`                 (the properties listed in DOC_PROPERTIES, per module)
//   - `int(…, '…', …)`      → `int(…, '', …)`         (doc arguments of the config field builders)
//
// Only literal text is taken out (string, template, `+` or `?:` of them). Anything else in one of those places fails
// the build with the module and line, so nobody ships behaviour that depends on a doc string by accident.
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import type { Plugin } from 'esbuild';
import ts from 'typescript';

/** Methods whose only argument is documentation: the call is removed, its receiver kept. */
export const DOC_METHODS: readonly string[] = ['about'];

/** Object-literal properties that are documentation, by module. */
export const DOC_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'protocol/src/messages.ts': ['summary', 'cfx'],
  'protocol/src/reasons.ts': ['meaning'],
  'protocol/src/modbus/map.ts': ['meaning'],
  'protocol/src/modbus/device-id.ts': ['meaning'],
  'firmware/core/station/scan.ts': ['what'],
};

/** Arguments that are documentation, by module and builder function (0-based position). */
export const DOC_ARGUMENTS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'firmware/core/station/config.ts': { int: 3, bool: 1, text: 2, choice: 2 },
};

function isText(n: ts.Node): boolean {
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) return true;
  if (ts.isParenthesizedExpression(n)) return isText(n.expression);
  if (ts.isConditionalExpression(n)) return isText(n.whenTrue) && isText(n.whenFalse);
  return ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken && isText(n.left) && isText(n.right);
}

interface Edit {
  readonly from: number;
  readonly to: number;
  readonly text: string;
}

/** What was taken out of one module: the edited source, and how many doc texts and bytes. */
export interface Stripped {
  readonly source: string;
  readonly texts: number;
  readonly bytes: number;
}

/** Takes the documentation out of one module's source; `module` is its path from the repository root. */
export function stripDocs(source: string, module: string): Stripped {
  const props = DOC_PROPERTIES[module] ?? [];
  const args = DOC_ARGUMENTS[module] ?? {};
  const sf = ts.createSourceFile(module, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: Edit[] = [];
  const fail = (n: ts.Node, what: string): never => {
    const { line } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    throw new Error(`${module}:${line + 1}: ${what} must be literal text to stay out of device bundles`);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && DOC_METHODS.includes(n.expression.name.text)) {
      const arg = n.arguments[0];
      if (n.arguments.length !== 1 || arg === undefined || !isText(arg)) fail(n, `.${n.expression.name.text}(…)`);
      // Keep the receiver; drop `.about(…)` from the dot to the closing parenthesis.
      edits.push({ from: n.expression.expression.getEnd(), to: n.getEnd(), text: '' });
      visit(n.expression.expression);
      return;
    }
    if (ts.isPropertyAssignment(n) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name)) && props.includes(n.name.text)) {
      if (!isText(n.initializer)) fail(n, `property ${n.name.text}`);
      // The property and the comma after it, so the object stays well formed.
      const after = source.slice(n.getEnd()).match(/^\s*,[ \t]*/);
      edits.push({ from: n.getStart(sf), to: n.getEnd() + (after?.[0].length ?? 0), text: '' });
      return;
    }
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && args[n.expression.text] !== undefined) {
      const a = n.arguments[args[n.expression.text]!];
      if (a !== undefined) {
        if (!isText(a)) fail(a, `argument ${args[n.expression.text]! + 1} of ${n.expression.text}(…)`);
        edits.push({ from: a.getStart(sf), to: a.getEnd(), text: "''" });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  edits.sort((a, b) => b.from - a.from);
  let out = source;
  let bytes = 0;
  for (const e of edits) {
    bytes += e.to - e.from - e.text.length;
    out = out.slice(0, e.from) + e.text + out.slice(e.to);
  }
  return { source: out, texts: edits.length, bytes };
}

/** The esbuild plugin: every TypeScript module of the repository goes through `stripDocs` as it loads. */
export function stripDocsPlugin(root: string, report?: (module: string, s: Stripped) => void): Plugin {
  return {
    name: 'warden-strip-docs',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const module = relative(root, args.path).split(sep).join('/');
        if (module.startsWith('..') || module.startsWith('node_modules/')) return undefined;
        const s = stripDocs(readFileSync(args.path, 'utf8'), module);
        if (s.texts > 0) report?.(module, s);
        return { contents: s.source, loader: 'ts' };
      });
    },
  };
}
