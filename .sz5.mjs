import { build } from 'esbuild';
import ts from 'typescript';
import { readFileSync } from 'node:fs';
const strip = { name: 'strip', setup(b) { b.onLoad({ filter: /\.ts$/ }, (a) => {
  let src = readFileSync(a.path, 'utf8');
  const sf = ts.createSourceFile(a.path, src, ts.ScriptTarget.ES2022, true);
  const edits = [];
  const lit = (n) => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n);
  const visit = (n) => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'about' && n.arguments.length === 1 && lit(n.arguments[0])) {
      edits.push([n.expression.name.getStart() - 1, n.end, '']);
    } else if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && ['summary','meaning','cfx','what'].includes(n.name.text) && lit(n.initializer)) {
      edits.push([n.initializer.getStart(), n.initializer.end, "''"]);
    } else if (a.path.endsWith('station/config.ts') && ts.isCallExpression(n) && ts.isIdentifier(n.expression) && ({int:3,bool:1,text:2,choice:2})[n.expression.text] !== undefined) {
      const arg = n.arguments[({int:3,bool:1,text:2,choice:2})[n.expression.text]]; if (arg && lit(arg)) edits.push([arg.getStart(), arg.end, "''"]);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  edits.sort((x,y)=>y[0]-x[0]);
  for (const [s,e,r] of edits) src = src.slice(0,s)+r+src.slice(e);
  return { contents: src, loader: 'ts' };
}); } };
const r = await build({ entryPoints: [process.argv[2]], bundle: true, platform: 'neutral', mainFields:['module','main'], format: 'esm', target: 'es2022', minify: true, write: false, logLevel:'silent', plugins:[strip], metafile: true });
console.log(r.outputFiles[0].text.length);
const o = r.metafile.outputs[Object.keys(r.metafile.outputs)[0]].inputs;
console.log(Object.entries(o).map(([f,x])=>[f,x.bytesInOutput]).sort((a,b)=>b[1]-a[1]).slice(0,12).map(x=>x.join(' ')).join('\n'));
const code = r.outputFiles[0].text;
const sf = ts.createSourceFile('x.js', code, ts.ScriptTarget.ES2022, true);
let props = 0, strs = 0, ids = 0; const names = new Map();
const v = (n) => {
  if (ts.isPropertyAccessExpression(n)) { props += n.name.text.length; names.set(n.name.text, (names.get(n.name.text)||0)+n.name.text.length); }
  else if ((ts.isPropertyAssignment(n) || ts.isMethodDeclaration(n) || ts.isPropertyDeclaration(n) || ts.isShorthandPropertyAssignment(n)) && ts.isIdentifier(n.name)) { props += n.name.text.length; names.set(n.name.text, (names.get(n.name.text)||0)+n.name.text.length); }
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n)||ts.isTemplateMiddle(n)||ts.isTemplateTail(n)) strs += n.getWidth();
  ts.forEachChild(n, v);
};
v(sf);
console.log({ props, strs });
console.log([...names].sort((a,b)=>b[1]-a[1]).slice(0,30).map(x=>x.join(':')).join(' '));
