// report.mjs - open the editors' report (--format html) in headless Chromium and check that
// every finding is highlighted where it is, with its margin note beside it.
//
//   node tests/report.mjs HYPELINT OUTDIR
//
// Compares the page with the JSON output of the same run. Leaves a screenshot in OUTDIR
// (report.png, report-narrow.png) for a person to look at. Ends with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from './node/node_modules/playwright-core/index.mjs';

const [bin, out] = process.argv.slice(2);
let pass = 0, fail = 0;
function check(name, cond, detail) {
	if (cond) { pass++; return; }
	fail++;
	console.log(`FAIL report: ${name}${detail !== undefined ? '\n    ' + String(detail).slice(0, 2000).replace(/\n/g, '\n    ') : ''}`);
}

const inputs = [
	...readdirSync('tests/golden').filter(f => /\.(txt|md|html)$/.test(f)).sort().map(f => join('tests/golden', f)),
	...readdirSync('samples').sort().map(f => join('samples', f)),
	...readdirSync('tests/formats').sort().map(f => join('tests/formats', f)),
];
const page_file = resolve(out, 'report.html');
const common = ['--no-config', '--color=never', ...inputs];
const j = spawnSync(bin, ['-f', 'json', ...common], { encoding: 'utf8', maxBuffer: 1 << 28 });
const h = spawnSync(bin, ['-f', 'html', '-o', page_file, ...common], { encoding: 'utf8' });
check('the report is written and the run exits 1', h.status === 1 && h.stdout === '', h.stderr);
const json = JSON.parse(j.stdout);
const fileIndex = new Map(inputs.map((f, i) => [f, i]));
const byFile = new Map();
for (const f of json) {
	if (!byFile.has(f.file)) byFile.set(f.file, []);
	byFile.get(f.file).push(f);
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
		'--disable-component-update', '--disable-sync'],
});
try {
	const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
	const requests = [];
	page.on('request', r => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
	await page.goto('file://' + page_file);

	// everything the page shows, measured in the browser
	const dom = await page.evaluate(() => {
		const rect = e => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y + scrollY, w: r.width, h: r.height, right: r.right }; };
		const posts = {};
		for (const sec of document.querySelectorAll('section.post')) {
			const i = sec.id.replace('post-', '');
			const marks = {}, notes = {}, anchors = {};
			for (const m of sec.querySelectorAll('mark[data-f]'))
				for (const k of m.dataset.f.split(' ')) {
					marks[k] ??= { text: '', rects: [], rows: new Set() };
					marks[k].text += m.textContent;
					marks[k].rects.push(...[...m.getClientRects()].map(r => ({ x: r.x, y: r.y + scrollY, w: r.width, h: r.height })));
					marks[k].row = m.closest('.row');
					marks[k].textCol = rect(m.closest('.text'));
					marks[k].color = getComputedStyle(m).backgroundColor;
				}
			for (const n of sec.querySelectorAll('aside.note')) {
				const k = n.dataset.f;
				notes[k] = { line: +n.dataset.line, col: +n.dataset.col, text: n.textContent, rect: rect(n),
					sameRow: marks[k] ? marks[k].row === n.closest('.row') : null, cls: n.className,
					outside: !!n.closest('.row').querySelector('.outside') };
			}
			for (const a of sec.querySelectorAll('a.anchor')) anchors[a.id] = rect(a);
			for (const k in marks) delete marks[k].row;
			posts[i] = { marks, notes, anchors };
		}
		const byRule = [...document.querySelectorAll('#by-rule tbody tr')].map(r => [...r.cells].map(c => c.textContent));
		return { posts, byRule, totals: document.querySelector('#totals').textContent,
			overflow: document.scrollingElement.scrollWidth > innerWidth };
	});

	let misplaced = [], unplaced = 0, notePos = [], noteRow = [], missingNote = [];
	for (const [file, fs] of byFile) {
		const post = dom.posts[fileIndex.get(file)];
		if (!post) { misplaced.push(`${file}: no post section`); continue; }
		fs.forEach((f, k) => {
			const note = post.notes[k], mark = post.marks[k];
			if (!note) { missingNote.push(`${file} #${k}`); return; }
			if (note.line !== f.line || note.col !== f.column || !note.text.includes(f.rule) ||
				!note.text.includes(f.message.split(';')[0]) || !note.cls.includes(`sev-${f.severity}`))
				notePos.push(`${file}:${f.line}:${f.column} ${f.rule}: ${note.text.slice(0, 120)}`);
			if (note.outside) { unplaced++; return; }
			const norm = s => s.replace(/\s+/g, ' ').trim();
			if (!mark || norm(mark.text) !== norm(f.match)) {
				misplaced.push(`${file}:${f.line}:${f.column} ${f.rule}: marked "${mark?.text}", match "${f.match}"`);
				return;
			}
			const vis = mark.rects.filter(r => r.w > 0 && r.h > 0);
			const inText = vis.every(r => r.x >= mark.textCol.x - 1 && r.x + r.w <= mark.textCol.right + 1);
			if (!vis.length || !inText) misplaced.push(`${file}:${f.line}:${f.column} ${f.rule}: highlight not visible in the text column`);
			if (!note.sameRow) noteRow.push(`${file}:${f.line}:${f.column} ${f.rule}`);
			// the note starts no lower than the highlight's row ends, so it sits in the margin beside it
			const anchor = post.anchors[`m-${fileIndex.get(file)}-${k}`];
			if (!anchor || Math.abs(anchor.y - vis[0].y) > 30) misplaced.push(`${file}:${f.line}:${f.column} ${f.rule}: link target is not at the highlight`);
			if (note.rect.x < mark.textCol.right) noteRow.push(`${file}:${f.line}:${f.column} ${f.rule}: note overlaps the text`);
		});
	}
	check('every finding has a margin note with its position, rule, message and severity',
		missingNote.length === 0 && notePos.length === 0, [...missingNote, ...notePos].slice(0, 5).join('\n'));
	check('every highlight covers exactly the matched text and is visible in the text column',
		misplaced.length === 0, misplaced.slice(0, 8).join('\n'));
	check('nearly every finding is placed in the text (only hypelint\'s own notes about markup are not)',
		unplaced <= json.filter(f => ['unknown-rule', 'input-truncated'].includes(f.rule)).length, `${unplaced} outside`);
	check('each note is in the margin of the row that holds its highlight', noteRow.length === 0, noteRow.slice(0, 5).join('\n'));
	const sum = dom.byRule.reduce((a, r) => a + +r[2], 0);
	check('the summary table counts every finding by rule and severity', sum === json.length &&
		dom.totals.startsWith(`${json.length} findings`), `${sum} in table, ${json.length} found; ${dom.totals}`);
	check('no horizontal scrolling at 1300 pixels', !dom.overflow);
	check('self-contained: the page loads nothing from the network', requests.length === 0, requests.join('\n'));
	await page.screenshot({ path: join(out, 'report.png'), fullPage: false });

	// a phone-sized window: one column, still no sideways scrolling
	await page.setViewportSize({ width: 420, height: 900 });
	const narrow = await page.evaluate(() => {
		const n = document.querySelector('aside.note'), t = document.querySelector('.row .text');
		return { overflow: document.scrollingElement.scrollWidth > innerWidth,
			stacked: n.getBoundingClientRect().x < t.getBoundingClientRect().right };
	});
	check('narrow window: notes go under the text, no sideways scrolling', !narrow.overflow && narrow.stacked, JSON.stringify(narrow));
	await page.evaluate(() => document.querySelector('section.post').scrollIntoView());
	await page.screenshot({ path: join(out, 'report-narrow.png') });
} finally {
	await browser.close();
}
console.log(`report: ${pass} passed, ${fail} failed`);
