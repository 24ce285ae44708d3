// action.mjs - run the GitHub Action (action.yml) the way the runner would, without the
// apt-get step: each later step's script under bash, with its env block evaluated from the
// inputs and GITHUB_ACTION_PATH set. Ends with "N passed, N failed".
//
//   node tests/action.mjs OUTDIR
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from './node/node_modules/yaml/dist/index.js';

const out = resolve(process.argv[2]);
let pass = 0, fail = 0;
const check = (name, cond, detail) => { if (cond) pass++; else { fail++; console.log(`FAIL action: ${name}\n    ${String(detail ?? '').slice(0, 1500)}`); } };

const action = parse(readFileSync('action.yml', 'utf8'));
check('a composite action with name, description and inputs', action.runs?.using === 'composite' &&
	action.name && action.description && action.inputs?.paths && action.inputs?.sarif);
const inputs = { paths: 'samples/ketamine-clinic.html samples/careful-news.md', args: '--no-config', sarif: join(out, 'action.sarif') };
const expr = s => String(s).replace(/\$\{\{\s*inputs\.([a-z-]+)\s*\}\}/g, (_, k) => inputs[k] ?? action.inputs[k].default);
const summary = join(out, 'action-summary.md');
rmSync(summary, { force: true });
rmSync(inputs.sarif, { force: true });
let last;
for (const step of action.runs.steps.filter(s => !/apt-get/.test(s.run))) {
	const env = { ...process.env, GITHUB_ACTION_PATH: process.cwd(), GITHUB_STEP_SUMMARY: summary };
	// a runner starts clean: nothing of the make that runs this suite (sanitizer flags, BIN...)
	for (const k of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'CFLAGS', 'LDFLAGS', 'CC', 'BUILD', 'BIN']) delete env[k];
	for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expr(v);
	last = spawnSync('bash', ['-e', '-c', expr(step.run)], { env, encoding: 'utf8' });
	if (step.name !== 'Lint') check(`step "${step.name}" succeeds`, last.status === 0, last.stderr);
}
check('the lint step fails the job on findings', last.status === 1, last.stderr);
const cmds = last.stdout.split('\n').filter(Boolean);
check('findings become workflow commands', cmds.length > 5 && cmds.every(l => /^::(error|warning|notice) file=samples\/ketamine-clinic\.html,line=\d+,/.test(l)),
	last.stdout.slice(0, 500));
check('the job summary gets a table', existsSync(summary) && /\| Severity \| File \|/.test(readFileSync(summary, 'utf8')));
let sarif = null;
try { sarif = JSON.parse(readFileSync(inputs.sarif, 'utf8')); } catch { /* checked below */ }
check('SARIF is written for code scanning', sarif?.runs?.[0]?.results?.length === cmds.length);
console.log(`action: ${pass} passed, ${fail} failed`);
