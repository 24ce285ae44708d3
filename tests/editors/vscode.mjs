// vscode.mjs - apply the problem matchers of editors/vscode/tasks.json to gcc-format output
// (argv[2]) as VS Code does, line by line, and check that every finding is captured with its
// file, line, column, severity, message and rule id as `code`. Ends with "N passed, N failed".
import { readFileSync } from 'node:fs';

const tasks = JSON.parse(readFileSync('editors/vscode/tasks.json', 'utf8'));
const matchers = tasks.tasks.find(t => t.label === 'hypelint').problemMatcher;
const lines = readFileSync(process.argv[2], 'utf8').split('\n');
let pass = 0, fail = 0;
const check = (name, cond, detail) => { if (cond) pass++; else { fail++; console.log(`FAIL ${name}\n    ${detail ?? ''}`); } };

const want = lines.map(l => /^([^ ].*?):(\d+):(\d+): (error|warning|suggestion): (.*) \[([a-z0-9-]+)\]$/.exec(l)).filter(Boolean);
const got = [];
for (const l of lines) {
	for (const m of matchers) {
		const p = m.pattern, r = new RegExp(p.regexp).exec(l);
		if (!r) continue;
		got.push({ file: r[p.file], line: +r[p.line], column: +r[p.column], severity: p.severity ? r[p.severity] : m.severity,
			message: r[p.message], code: r[p.code] });
		break;
	}
}
check('every finding is captured once', got.length === want.length && want.length > 100, `${got.length} of ${want.length}`);
check('file, line, column, message and code', want.every((w, i) => got[i] && got[i].file === w[1] && got[i].line === +w[2] &&
	got[i].column === +w[3] && got[i].message === w[5] && got[i].code === w[6]), JSON.stringify(got[0]));
check('severities VS Code knows', got.every((g, i) => g.severity === { error: 'error', warning: 'warning', suggestion: 'info' }[want[i][4]]));
check('excerpt and summary lines are not taken for findings',
	!lines.some(l => /^ +\d+ \|/.test(l) && matchers.some(m => new RegExp(m.pattern.regexp).test(l))));
console.log(`vscode: ${pass} passed, ${fail} failed`);
