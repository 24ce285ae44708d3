// formats.mjs - parse every machine-readable output format with a real parser or validator
// and check it against the JSON output of the same run.
//
//   node tests/formats.mjs HYPELINT OUTDIR
//
// SARIF is validated against the SARIF 2.1.0 JSON schema with ajv-cli (tests/node), Checkstyle
// with xmllint; GitHub workflow commands are decoded by the rules GitHub's runner applies.
// Ends with "N passed, N failed".
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [bin, out] = process.argv.slice(2);
let pass = 0, fail = 0;
function check(name, cond, detail) {
	if (cond) { pass++; return true; }
	fail++;
	console.log(`FAIL formats: ${name}${detail !== undefined ? '\n    ' + String(detail).slice(0, 2000).replace(/\n/g, '\n    ') : ''}`);
	return false;
}

const inputs = [
	...readdirSync('tests/golden').filter(f => /\.(txt|md|html)$/.test(f)).sort().map(f => join('tests/golden', f)),
	...readdirSync('samples').sort().map(f => join('samples', f)),
	...readdirSync('tests/formats').sort().map(f => join('tests/formats', f)),
];

function run(format, extraEnv = {}) {
	const r = spawnSync(bin, ['--no-config', '-j', '2', '--color=never', '-f', format, ...inputs],
		{ encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...extraEnv } });
	check(`${format}: exit status 1 (there are findings)`, r.status === 1, `status ${r.status}\n${r.stderr}`);
	writeFileSync(join(out, `format.${format}`), r.stdout);
	return r.stdout;
}

// ---- the reference: JSON ----
const json = JSON.parse(run('json'));
const gcc = run('gcc');
const gccCount = gcc.split('\n').filter(l => /^[^ ].*:\d+:\d+: (error|warning|suggestion): /.test(l)).length;
check('json: one object per finding (as many as the gcc format)', json.length === gccCount && json.length > 40,
	`${json.length} vs ${gccCount}`);
const keys = { file: 'string', line: 'number', column: 'number', end_line: 'number', end_column: 'number',
	severity: 'string', rule: 'string', message: 'string', match: 'string', notes: 'object', fingerprint: 'string' };
check('json: every field there with its type', json.every(f =>
	Object.entries(keys).every(([k, t]) => typeof f[k] === t) &&
	(f.suggestion === null || typeof f.suggestion === 'string') &&
	['error', 'warning', 'suggestion'].includes(f.severity) &&
	(f.end_line > f.line || (f.end_line === f.line && f.end_column >= f.column)) &&
	f.notes.every(n => typeof n.message === 'string' && n.line > 0 && n.column > 0)),
	JSON.stringify(json.find(f => typeof f.line !== 'number')));
check('json: some findings carry a suggestion and some notes',
	json.some(f => f.suggestion) && json.some(f => f.notes.length > 0));
check('json: fingerprints are unique', new Set(json.map(f => f.fingerprint)).size === json.length);

// Columns count characters and the end is exclusive: in plain-text files the source
// line from column to end column reads the match.
const lines = {};
function srcLine(file, n) {
	lines[file] ??= readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split('\n');
	return lines[file][n - 1].replace(/\r$/, '');
}
const oneLine = json.filter(f => f.file.endsWith('.txt') && f.line === f.end_line && f.notes.length === 0 &&
	!['missing-disclaimer', 'missing-risks'].includes(f.rule));
const badCol = oneLine.filter(f => [...srcLine(f.file, f.line)].slice(f.column - 1, f.end_column - 1).join('') !== f.match);
check('json: LINE:COLUMN to END_COLUMN (exclusive, in characters) reads the match',
	oneLine.length > 10 && badCol.length === 0, JSON.stringify(badCol.slice(0, 3)));

const key = f => `${f.file}:${f.line}:${f.column}:${f.rule}`;
const jsonKeys = json.map(key).sort();
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// ---- SARIF ----
const sarifText = run('sarif');
const sarifFile = join(out, 'format-sarif.json');
writeFileSync(sarifFile, sarifText);
const schema = 'tests/node/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json';
const ajv = 'tests/node/node_modules/.bin/ajv';
function ajvValidate(file) {
	return spawnSync(ajv, ['validate', '--spec=draft2020', '-c', 'ajv-formats', '-s', schema, '-d', file],
		{ encoding: 'utf8' });
}
let v = ajvValidate(sarifFile);
check('sarif: valid against the SARIF 2.1.0 schema (ajv)', v.status === 0, v.stdout + v.stderr);
// the validator must be able to say no: an invalid level is rejected
const broken = join(out, 'format-sarif-broken.json');
writeFileSync(broken, sarifText.replace('"level":"error"', '"level":"severe"'));
v = ajvValidate(broken);
check('sarif: the validator rejects an invalid level', v.status !== 0, v.stdout);
const sarif = JSON.parse(sarifText);
const srun = sarif.runs[0];
const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim().split(' ')[1];
check('sarif: $schema, version, driver name and version',
	sarif.version === '2.1.0' && /sarif-schema-2\.1\.0\.json$/.test(sarif.$schema) &&
	srun.tool.driver.name === 'hypelint' && srun.tool.driver.version === version);
check('sarif: every rule has short and full descriptions and help text',
	srun.tool.driver.rules.length >= 26 && srun.tool.driver.rules.every(r =>
		r.id && r.shortDescription.text && r.fullDescription.text && r.help.text));
check('sarif: columnKind declared', srun.columnKind === 'unicodeCodePoints');
const sres = srun.results;
check('sarif: the same findings as json',
	same(sres.map(r => {
		const reg = r.locations[0].physicalLocation.region;
		return `${decodeURIComponent(r.locations[0].physicalLocation.artifactLocation.uri)}:${reg.startLine}:${reg.startColumn}:${r.ruleId}`;
	}).sort(), jsonKeys));
check('sarif: ruleIndex points at the rule, level matches, end is exclusive like json',
	sres.every((r, i) => {
		const f = json[i], reg = r.locations[0].physicalLocation.region;
		return srun.tool.driver.rules[r.ruleIndex].id === r.ruleId &&
			r.level === { error: 'error', warning: 'warning', suggestion: 'note' }[f.severity] &&
			reg.endLine === f.end_line && reg.endColumn === f.end_column &&
			/^[0-9a-f]{32}$/.test(r.partialFingerprints.primaryLocationLineHash);
	}));
check('sarif: notes become related locations',
	sres.filter(r => r.relatedLocations).length === json.filter(f => f.notes.length).length);

// ---- GitHub workflow commands ----
const summaryFile = join(out, 'step-summary.md');
rmSync(summaryFile, { force: true });
const gh = run('github', { GITHUB_STEP_SUMMARY: summaryFile });
// decoding as GitHub's runner does: %0D, %0A, %3A, %2C, then %25
const unprop = s => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
const undata = s => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const cmds = gh.split('\n').filter(Boolean).map(l => {
	const m = /^::(error|warning|notice) ([^:]*)::(.*)$/.exec(l);
	if (!m) return { bad: l };
	const props = Object.fromEntries(m[2].split(',').map(p => { const i = p.indexOf('='); return [p.slice(0, i), unprop(p.slice(i + 1))]; }));
	return { level: m[1], props, message: undata(m[3]) };
});
check('github: every line is a workflow command', cmds.every(c => !c.bad), JSON.stringify(cmds.find(c => c.bad)));
const rank = { error: 2, warning: 1, notice: 0 };
check('github: the most severe first', cmds.every((c, i) => i === 0 || rank[cmds[i - 1].level] >= rank[c.level]));
check('github: file, line, col, endLine, endColumn and title decode to the json values', same(cmds.map(c =>
	`${c.props.file}:${c.props.line}:${c.props.col}:${c.props.title.replace(/^hypelint /, '')}`).sort(), jsonKeys) &&
	cmds.every(c => json.some(f => f.file === c.props.file && String(f.line) === c.props.line &&
		String(f.column) === c.props.col && String(f.end_line) === c.props.endLine &&
		String(f.end_column) === c.props.endColumn && c.message.startsWith(f.message))));
check('github: "%", "," and ":" survive escaping',
	cmds.some(c => c.props.file === 'tests/formats/odd,name: 1.txt') && cmds.some(c => /65% of participants/.test(c.message)) &&
	!/65%[^2]/.test(gh.split('\n').find(l => l.includes('65%25')) ?? '65%x'));
const summary = readFileSync(summaryFile, 'utf8');
check('github: a table of every finding in $GITHUB_STEP_SUMMARY',
	summary.split('\n').filter(l => /^\| (error|warning|suggestion) \|/.test(l)).length === json.length, summary.slice(0, 500));

// ---- GitLab Code Quality ----
const gl = JSON.parse(run('gitlab'));
check('gitlab: description, check_name, fingerprint, severity, location.path and lines.begin', gl.length === json.length &&
	gl.every((g, i) => g.description === json[i].message && g.check_name === json[i].rule &&
		['info', 'minor', 'major', 'critical', 'blocker'].includes(g.severity) &&
		g.location.path === json[i].file && g.location.lines.begin === json[i].line));
check('gitlab: fingerprints unique', new Set(gl.map(g => g.fingerprint)).size === gl.length);

// ---- reviewdog ----
const rd = run('rdjsonl').split('\n').filter(Boolean).map(l => JSON.parse(l));
check('rdjsonl: one diagnostic per line, as many as json', rd.length === json.length);
const enc = new TextEncoder(), dec = new TextDecoder();
const rdBad = rd.filter((d, i) => {
	const f = json[i];
	if (!oneLine.includes(f)) return false;
	const bytes = enc.encode(srcLine(f.file, f.line));
	return dec.decode(bytes.slice(d.location.range.start.column - 1, d.location.range.end.column - 1)) !== f.match;
});
check('rdjsonl: columns count UTF-8 bytes, end exclusive', rdBad.length === 0, JSON.stringify(rdBad.slice(0, 2)));
check('rdjsonl: severity, code and suggestions', rd.every((d, i) =>
	d.severity === { error: 'ERROR', warning: 'WARNING', suggestion: 'INFO' }[json[i].severity] &&
	d.code.value === json[i].rule && (json[i].suggestion === null) === (d.suggestions === undefined)));

// ---- Checkstyle ----
const csFile = join(out, 'format-checkstyle.xml');
writeFileSync(csFile, run('checkstyle'));
v = spawnSync('xmllint', ['--noout', csFile], { encoding: 'utf8' });
check('checkstyle: well-formed XML (xmllint)', v.status === 0, v.stderr);
const count = spawnSync('xmllint', ['--xpath', 'count(/checkstyle/file/error)', csFile], { encoding: 'utf8' }).stdout.trim();
check('checkstyle: one <error> per finding', count === String(json.length), count);
const odd = spawnSync('xmllint', ['--xpath', 'string(/checkstyle/file[error[@source="hypelint.absolute-safety"]][last()]/@name)', csFile],
	{ encoding: 'utf8' }).stdout.trim();
check('checkstyle: file names and messages escaped', odd === 'tests/formats/odd,name: 1.txt', odd);

console.log(`formats: ${pass} passed, ${fail} failed`);
