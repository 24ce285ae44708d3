#!/usr/bin/env bash
# run.sh - hypelint's test suite: unit tests, rule examples, golden outputs, positions,
# the command line and broken rule files. Ends with "N passed, N failed".
#
#   tests/run.sh [--update] [FILTER]
#
# FILTER keeps only the tests whose name contains it. --update rewrites the expected
# output of the golden and bad-rule tests from the current binary: review the diff.
set -u
cd "$(dirname "$0")/.." || exit 2

update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
filter=${1:-}
# HYPELINT: the binary under test; HL_BUILD: where unit and poscheck are;
# HL_WRAP: a command to run every hypelint under (valgrind, say).
bin=${HYPELINT:-hypelint}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
build=${HL_BUILD:-build}
HL="${HL_WRAP:+$HL_WRAP }$bin"
out=tests/out
rm -rf "$out"; mkdir -p "$out"
pass=0; fail=0

want() { [ -z "$filter" ] || [[ "$1" == *"$filter"* ]]; }
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL %s\n' "$1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /'; }

# Take "label: N passed, N failed" from a sub-suite's output.
tally() {
	local line p f
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
	p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	if [ -z "$line" ]; then bad "$1" "$(cat "$2")"; return; fi
	pass=$((pass + p)); fail=$((fail + f))
	[ "$f" = 0 ] || { printf 'FAIL %s\n' "$1"; sed 's/^/    /' "$2"; }
	printf '%s: %s\n' "$1" "$line"
}

# 1. unit tests
if want unit; then
	${HL_WRAP:-} "$build/unit" >"$out/unit.txt" 2>&1
	tally unit "$out/unit.txt"
fi

# 2. every rule's own examples
if want rule-examples; then
	$HL --test-rules >"$out/rules.txt" 2>&1
	tally rule-examples "$out/rules.txt"
fi

# fuzz seeds and every past crash, replayed without libFuzzer
while read -r t dirs; do
	case "$t" in ''|'#'*) continue ;; esac
	want "fuzz-$t" || continue
	# shellcheck disable=SC2086
	if ${HL_WRAP:-} "$build/replay-$t" $dirs "tests/fuzz/crashes/$t" >"$out/fuzz-$t.txt" 2>&1; then ok
	else bad "fuzz replay $t" "$(tail -20 "$out/fuzz-$t.txt")"; fi
done <tests/fuzz/seeds

# 3. golden tests: input + expected stdout, stderr and exit status
golden_run() { # name, then the command's arguments; runs in tests/golden
	local name=$1; shift
	(cd tests/golden && $HL --color=never "$@" >"../../$out/$name.stdout" 2>"../../$out/$name.stderr"; echo $? >"../../$out/$name.exit")
	{ cat "$out/$name.stdout"; echo "--- stderr"; cat "$out/$name.stderr"; echo "--- exit $(cat "$out/$name.exit")"; } >"$out/$name.actual"
}
golden_compare() { # name, expected file
	if [ $update = 1 ]; then cp "$out/$1.actual" "$2"; ok; return; fi
	if [ ! -f "$2" ]; then bad "golden $1" "no expected output $2 (make check-update writes it)"; return; fi
	if diff -u "$2" "$out/$1.actual" >"$out/$1.diff"; then ok; else bad "golden $1" "$(cat "$out/$1.diff")"; fi
}
for input in tests/golden/*.txt tests/golden/*.md tests/golden/*.html; do
	[ -f "$input" ] || continue
	file=$(basename "$input"); name=${file%.*}-${file##*.}
	want "$name" || continue
	args=()
	[ -f "${input%.*}.args" ] && read -r -a args <"${input%.*}.args"
	golden_run "$name" "${args[@]}" "$file"
	golden_compare "$name" "${input%.*}.expected"
	# 4. every reported position must point at the text it quotes
	if (cd tests/golden && "../../$build/poscheck" <"../../$out/$name.stdout" >/dev/null 2>"../../$out/$name.pos"); then ok
	else bad "positions $name" "$(cat "$out/$name.pos")"; fi
done

# the bundled samples: a golden test of their own, positions checked too
if want samples; then
	$HL --color=never samples >"$out/samples.stdout" 2>"$out/samples.stderr"; echo $? >"$out/samples.exit"
	{ cat "$out/samples.stdout"; echo "--- stderr"; cat "$out/samples.stderr"; echo "--- exit $(cat "$out/samples.exit")"; } >"$out/samples.actual"
	golden_compare samples tests/samples.expected
	if "$build/poscheck" <"$out/samples.stdout" >/dev/null 2>"$out/samples.pos"; then ok
	else bad "positions samples" "$(cat "$out/samples.pos")"; fi
	# the careful posts must raise nothing
	if $HL --color=never samples/careful-* >"$out/careful.txt" 2>&1; then ok
	else bad "careful samples are silent" "$(cat "$out/careful.txt")"; fi
fi

# output is the same with one job and with eight
if want jobs; then
	$HL --color=never -j 1 samples tests/golden >"$out/jobs1.txt" 2>&1; r1=$?
	$HL --color=never -j 8 samples tests/golden >"$out/jobs8.txt" 2>&1; r8=$?
	if [ "$r1" = "$r8" ] && cmp -s "$out/jobs1.txt" "$out/jobs8.txt"; then ok
	else bad "jobs: -j 1 and -j 8 differ" "$(diff "$out/jobs1.txt" "$out/jobs8.txt" | head -20)"; fi
fi

# Every example of every bundled rule (those that must fire and those that must not), its
# [[markers]] removed, a blank line after each: text that exercises each rule's edges.
rule_examples() {
	local id
	for id in $($HL --list-rules | awk '$2 ~ /^(error|warning|suggestion)$/ {print $1}'); do
		$HL --explain "$id" | sed -n 's/^    //p' | sed 's/\[\[//g; s/\]\]//g' | sed 'G'
	done
}

# The rule examples read as text, Markdown and HTML, in directory $1.
examples_dir() {
	mkdir -p "$1"
	rule_examples >"$1/examples.txt"
	cp "$1/examples.txt" "$1/examples.md"
	{ echo '<!DOCTYPE html><html><body>'; sed 's/&/\&amp;/g; s/</\&lt;/g; s/^\(..*\)$/<p>\1<\/p>/' "$1/examples.txt"; echo '</body></html>'; } >"$1/examples.html"
}

# the trigger-word and start-word shortcuts never lose a finding: same output as a full
# scan, on the samples, the golden inputs and every rule example (those that must fire and
# the near misses that must not), read as text, Markdown and HTML
if want prefilter; then
	examples_dir "$out/examples"
	$HL --color=never -j 1 samples tests/golden "$out/examples" >"$out/fast.txt" 2>&1; rf=$?
	HYPELINT_PREFILTER=0 $HL --color=never -j 1 samples tests/golden "$out/examples" >"$out/full.txt" 2>&1; rs=$?
	# the examples must have been read and linted, or the comparison proves nothing
	if [ ! -s "$out/examples/examples.txt" ] || ! grep -q 'examples/examples\.html:' "$out/fast.txt"; then
		bad "prefilter: no rule examples were compared" "$(head -5 "$out/fast.txt")"
	elif [ "$rf" = "$rs" ] && cmp -s "$out/fast.txt" "$out/full.txt"; then ok
	else bad "prefilter: fast path and full scan differ" "$(diff "$out/full.txt" "$out/fast.txt" | head -20)"; fi
fi

# fast_full NAME PATTERN WANT ARGS...: lint ARGS (a rule pack of tests/cli and its files)
# with the shortcuts and with a full scan; the two outputs must be the same, and what
# PATTERN greps from them, joined by spaces, must be WANT.
fast_full() {
	local name=$1 pattern=$2 want=$3 got
	shift 3
	$HL --color=never --no-excerpt --no-default-rules "$@" >"$out/$name-fast.txt" 2>&1
	HYPELINT_PREFILTER=0 $HL --color=never --no-excerpt --no-default-rules "$@" >"$out/$name-full.txt" 2>&1
	got=$(grep -o "$pattern" "$out/$name-fast.txt" | tr '\n' ' ')
	if ! cmp -s "$out/$name-fast.txt" "$out/$name-full.txt"; then
		bad "$name: fast path and full scan differ" "$(diff "$out/$name-full.txt" "$out/$name-fast.txt" | head -20)"
	elif [ "$got" != "$want" ]; then
		bad "$name: expected $want" "$(cat "$out/$name-fast.txt")"
	else ok; fi
}

# unless-before runs at its candidates, but not where its window begins or ends inside a
# word (tests/cli/before.txt: a match inside "unproven", windows that cut "zzzznot"): the
# fast path must cancel the same matches as the full scan, and leave lines 1 and 11
if want before; then
	fast_full before 'before\.txt:[0-9]*:' "before.txt:1: before.txt:11: " \
		--rules tests/cli/before.yml tests/cli/before.txt
fi

# matches the trigger scan cannot see: PCRE2's assertions and verbs by name ("(*plb:",
# "(*atomic:"), which the trigger analysis does not read, and the long s and the digits of
# other scripts, which a caseless regex matches as s and as \d; the rules of
# tests/cli/shortcut.yml find what a full scan finds, one finding each (the long s in a
# file of its own: it makes its whole file be checked in full)
if want shortcut; then
	fast_full shortcut '\[[a-z-]*\]$' "[works-before] [works-after] [claims-counted] [percent-of] [study-word] " \
		--rules tests/cli/shortcut.yml tests/cli/shortcut.txt tests/cli/shortcut-long-s.txt
fi

# the regexes give the same findings through PCRE2's JIT fast path and its interpreter: as
# usual (a regex runs on the interpreter until it has been matched a few times, and a
# rule's whole pattern until one of its partial regexes has been wanted a few times), with
# the JIT off, and with each regex and partial regex compiled when first needed (one job
# and two)
if want nojit; then
	$HL --color=never -j 1 samples tests/golden >"$out/jit.txt" 2>&1; rj=$?
	HYPELINT_JIT=0 $HL --color=never -j 1 samples tests/golden >"$out/nojit.txt" 2>&1; rn=$?
	HYPELINT_JIT=1 $HL --color=never -j 1 samples tests/golden >"$out/eager.txt" 2>&1; re1=$?
	HYPELINT_JIT=1 $HL --color=never -j 2 samples tests/golden >"$out/eager2.txt" 2>&1; re2=$?
	if ! grep -q ': warning: ' "$out/jit.txt"; then bad "nojit: nothing was found" "$(head -5 "$out/jit.txt")"
	elif [ "$rj" != "$rn" ] || ! cmp -s "$out/jit.txt" "$out/nojit.txt"; then
		bad "nojit: JIT and interpreter differ" "$(diff "$out/nojit.txt" "$out/jit.txt" | head -20)"
	elif [ "$rj" != "$re1" ] || ! cmp -s "$out/jit.txt" "$out/eager.txt"; then
		bad "nojit: JIT at first use differs" "$(diff "$out/eager.txt" "$out/jit.txt" | head -20)"
	elif [ "$rj" != "$re2" ] || ! cmp -s "$out/jit.txt" "$out/eager2.txt"; then
		bad "nojit: JIT at first use with two jobs differs" "$(diff "$out/eager2.txt" "$out/jit.txt" | head -20)"
	else ok; fi
fi

# ASCII text runs each regex's ASCII twin (compiled without PCRE2_UCP; see hl_rules_twin),
# which reads \b, \s, \w and \d differently past ASCII: the same findings as without twins,
# on the samples, the golden inputs and the rule examples as they are and with non-ASCII
# letters and white space next to their words (no-break and em spaces, a letter with an
# accent at the end of words), in paragraphs that mix such sentences with plain ones, as
# text, Markdown and HTML
if want ascii; then
	examples_dir "$out/ascii"
	awk '{
		print
		plain = $0
		nb = $0; gsub(/ /, "\302\240", nb)
		em = $0; sub(/ /, "\342\200\203", em)
		ac = $0; gsub(/e /, "\303\251 ", ac)
		print ""; print nb; print ""; print em; print ""; print ac; print ""
		if (plain != "") print plain " " ac " " plain " " nb " " plain
	}' "$out/ascii/examples.txt" >"$out/ascii/mixed.txt"
	cp "$out/ascii/mixed.txt" "$out/ascii/mixed.md"
	{ echo '<!DOCTYPE html><html><body>'; sed 's/&/\&amp;/g; s/</\&lt;/g; s/^\(..*\)$/<p>\1<\/p>/' "$out/ascii/mixed.txt"; echo '</body></html>'; } >"$out/ascii/mixed.html"
	$HL --color=never -j 1 samples tests/golden "$out/ascii" >"$out/ascii-on.txt" 2>&1; ra=$?
	HYPELINT_ASCII=0 $HL --color=never -j 1 samples tests/golden "$out/ascii" >"$out/ascii-off.txt" 2>&1; rb=$?
	HYPELINT_JIT=1 $HL --color=never -j 2 samples tests/golden "$out/ascii" >"$out/ascii-eager.txt" 2>&1; rc=$?
	if ! grep -q 'ascii/mixed\.html:[0-9]*:[0-9]*: ' "$out/ascii-on.txt" || ! grep -q 'ascii/mixed\.txt:[0-9]*:[0-9]*: ' "$out/ascii-on.txt"; then
		bad "ascii: the mixed text was not made or found nothing" "$(head -5 "$out/ascii-on.txt")"
	elif [ "$ra" != "$rb" ] || ! cmp -s "$out/ascii-on.txt" "$out/ascii-off.txt"; then
		bad "ascii: with and without ASCII twins differ" "$(diff "$out/ascii-off.txt" "$out/ascii-on.txt" | head -20)"
	elif [ "$ra" != "$rc" ] || ! cmp -s "$out/ascii-on.txt" "$out/ascii-eager.txt"; then
		bad "ascii: twins made at first use with two jobs differ" "$(diff "$out/ascii-eager.txt" "$out/ascii-on.txt" | head -20)"
	else ok; fi
fi

# the word-at-a-time and SSE2 paths of the text scans (finding runs of plain ASCII, sentence
# ends, digits, the blocks where ASCII twins may run; counting characters) give what the byte-at-a-time code gives: on the samples,
# the golden inputs, the rule examples and words of the samples strung together with every
# kind of white space, UTF-8 and punctuation at every offset of a 16-byte block, also as
# HTML with tags and entities (the source and prose are matched up 16 bytes at a time)
if want libxml2; then
	# libxml2 is opened at the first HTML read (extract_html.c): not by a run over text or
	# Markdown with no HTML in it, and by one over an HTML page or a Markdown HTML block,
	# also when two threads meet their first HTML at once (the glibc loader says which
	# files it opens; the run is not under HL_WRAP, whose own loading it would report)
	mkdir -p "$out/x2/mixed"
	for i in 1 2 3 4 5 6 7 8; do
		cp tests/golden/html-blocks.html "$out/x2/mixed/page-$i.html"
		cp tests/golden/md-post.md "$out/x2/mixed/post-$i.md"
	done
	x2() { LD_DEBUG=files "$bin" --color=never "$@" 2>&1 >/dev/null | grep -c 'file=libxml2'; }
	$bin --color=never -j 1 "$out/x2/mixed" >"$out/x2-j1.txt" 2>&1
	$bin --color=never -j 4 "$out/x2/mixed" >"$out/x2-j4.txt" 2>&1
	if [ "$(x2 tests/golden/text-basics.txt tests/golden/md-bom.md)" != 0 ]; then
		bad "libxml2: opened for text and Markdown with no HTML" "$(LD_DEBUG=files "$bin" tests/golden/md-bom.md 2>&1 | grep 'libxml2' | head -5)"
	elif [ "$(x2 tests/golden/html-blocks.html)" = 0 ] || [ "$(x2 tests/golden/md-post.md)" = 0 ]; then
		bad "libxml2: not opened for HTML" "$(LD_DEBUG=files "$bin" tests/golden/html-blocks.html 2>&1 | grep 'libxml2' | head -5)"
	elif ! grep -q 'page-8\.html:[0-9]*:[0-9]*: ' "$out/x2-j4.txt" || ! cmp -s "$out/x2-j1.txt" "$out/x2-j4.txt"; then
		bad "libxml2: HTML linted by four threads at once differs from one" "$(diff "$out/x2-j1.txt" "$out/x2-j4.txt" | head -20)"
	else ok; fi
fi

if want simd; then
	examples_dir "$out/simd"
	cat samples/* "$out/simd/examples.txt" | tr -s ' \t\n\r' '\n\n\n\n' | awk 'BEGIN {
		srand(7); n = split(" |  | \t|\t|\n| \n\n|\r\n|\302\240| \342\200\246 |. |! |? |... |, |: \342\200\234|\342\200\235 |\303\251| 2021 | (| ) |\v|\f", sep, "|")
	} { w[NR] = $0 } END {
		for (i = 0; i < 40000; i++) printf "%s%s", w[int(rand() * NR) + 1], sep[int(rand() * n) + 1]
		print ""
	}' >"$out/simd/mixed.txt"
	cp "$out/simd/mixed.txt" "$out/simd/mixed.md"
	{ echo '<!DOCTYPE html><html><body>'; sed 's/&/\&amp;/g; s/</\&lt;/g; s/ the / <b>the<\/b> /g; s/ a / \&#97; /g; s/^\(..*\)$/<p>\1<\/p>/' "$out/simd/mixed.txt"; echo '</body></html>'; } >"$out/simd/mixed.html"
	$HL --color=never -j 1 samples tests/golden "$out/simd" >"$out/simd-on.txt" 2>&1; rv=$?
	HYPELINT_SIMD=0 $HL --color=never -j 1 samples tests/golden "$out/simd" >"$out/simd-off.txt" 2>&1; rb=$?
	if ! grep -q 'simd/mixed\.txt:[0-9]*:[0-9]*: ' "$out/simd-on.txt" || [ "$(stat -c %s "$out/simd/mixed.txt")" -lt 100000 ]; then
		bad "simd: the mixed text was not made or found nothing" "$(head -5 "$out/simd-on.txt")"
	elif ! grep -q 'simd/mixed\.html:[0-9]*:[0-9]*: ' "$out/simd-on.txt"; then
		bad "simd: the mixed HTML found nothing" "$(grep -m 3 'mixed\.html' "$out/simd-on.txt")"
	elif [ "$rv" = "$rb" ] && cmp -s "$out/simd-on.txt" "$out/simd-off.txt"; then ok
	else bad "simd: the fast text scans and the plain ones differ" "$(diff "$out/simd-off.txt" "$out/simd-on.txt" | head -20)"; fi
fi

# a document longer than one chunk (a megabyte of paragraphs; see hl_check_doc): the
# samples and rule examples repeated in one file of about 1.3 MB, fast path vs full scan;
# the citation and disclaimer checks, which read the whole document, run first from a
# scan of their own
if want chunks; then
	mkdir -p "$out/chunks"
	rule_examples >"$out/chunks/examples.txt"
	: >"$out/chunks/long.txt"
	while [ "$(stat -c %s "$out/chunks/long.txt")" -lt 1300000 ]; do
		cat samples/*.txt "$out/chunks/examples.txt" >>"$out/chunks/long.txt"
	done
	$HL --color=never --no-excerpt -j 1 "$out/chunks/long.txt" >"$out/chunks/fast.txt" 2>&1; rf=$?
	HYPELINT_PREFILTER=0 $HL --color=never --no-excerpt -j 1 "$out/chunks/long.txt" >"$out/chunks/full.txt" 2>&1; rs=$?
	# findings must come from the last tenth of the file too, well past the first chunk
	far=$(awk -F: -v n="$(wc -l <"$out/chunks/long.txt")" '/long\.txt:[0-9]+:/ && $2 > n * 0.9 { c++ } END { print c + 0 }' "$out/chunks/fast.txt")
	if [ "$far" = 0 ]; then
		bad "chunks: no findings near the end of the long file" "$(tail -3 "$out/chunks/fast.txt")"
	elif [ "$rf" = "$rs" ] && cmp -s "$out/chunks/fast.txt" "$out/chunks/full.txt"; then ok
	else bad "chunks: fast path and full scan differ on a long file" "$(diff "$out/chunks/full.txt" "$out/chunks/fast.txt" | head -20)"; fi
fi

# a long document's findings are handed over a chunk at a time, merged with those of the
# whole-document checks (hl_check_doc): the same output when every paragraph is a chunk
# of its own (HYPELINT_CHUNK=1) as when the whole file is one, on the samples, the golden
# inputs (suppression comments, reference lists, repaired HTML) and the rule examples
if want stream; then
	examples_dir "$out/stream"
	for s in samples/*; do cat "$s" "$s" >"$out/stream/twice-${s##*/}"; done
	HYPELINT_CHUNK=1 $HL --color=never -j 1 samples tests/golden "$out/stream" >"$out/stream-each.txt" 2>&1; re=$?
	HYPELINT_CHUNK=1000000000 $HL --color=never -j 1 samples tests/golden "$out/stream" >"$out/stream-one.txt" 2>&1; ro=$?
	if ! grep -q 'misattributed-study' "$out/stream-one.txt" || ! grep -q 'twice-ketamine-clinic\.html:' "$out/stream-one.txt"; then
		bad "stream: the whole-document checks found nothing to merge" "$(head -5 "$out/stream-one.txt")"
	elif [ "$re" = "$ro" ] && cmp -s "$out/stream-each.txt" "$out/stream-one.txt"; then ok
	else bad "stream: paragraph chunks and one chunk differ" "$(diff "$out/stream-one.txt" "$out/stream-each.txt" | head -20)"; fi
fi

# 5. command-line tests: EXIT | ARGS | TEXT that must appear in the output
if want cli; then
	n=0
	while IFS= read -r line; do
		case "$line" in ''|'#'*) continue ;; esac
		n=$((n + 1))
		code=$(sed -E 's/^ *([0-9]+) *\|.*/\1/' <<<"$line")
		args=$(sed -E 's/^[^|]*\| *([^|]*[^ |])? *(\|.*)?$/\1/' <<<"$line")
		expect=$(sed -nE 's/^[^|]*\|[^|]*\| ?(.*)$/\1/p' <<<"$line")
		got=$(eval "$HL $args" 2>&1 </dev/null); rc=$?
		if [ "$rc" != "$code" ]; then bad "cli $n: $args" "exit $rc, want $code; output:"$'\n'"$got"
		elif [ -n "$expect" ] && ! grep -qF -- "$expect" <<<"$got"; then bad "cli $n: $args" "output lacks: $expect"$'\n'"$got"
		else ok; fi
	done <tests/cli.tests
fi

# 6. broken rule files: each must fail with exactly its expected errors
for rf in tests/bad-rules/*.yml; do
	[ -f "$rf" ] || continue
	name=bad-rules-$(basename "$rf" .yml)
	want "$name" || continue
	$HL --no-default-rules --rules "$rf" tests/cli/clean.txt >/dev/null 2>"$out/$name.actual"; rc=$?
	echo "--- exit $rc" >>"$out/$name.actual"
	golden_compare "$name" "${rf%.yml}.err"
done

# 7. hostile input: each must end with a defined status and a message, never a signal or a hang
hostile() { # name, expected exit, text the output must contain, then the command's arguments
	local name=$1 code=$2 expect=$3 rc; shift 3
	want "hostile-$name" || return 0
	timeout 120 $HL --no-excerpt "$@" >"$out/hostile-$name.txt" 2>&1 </dev/null; rc=$?
	if [ "$rc" = 124 ]; then bad "hostile $name" "timed out"
	elif [ "$rc" != "$code" ]; then bad "hostile $name" "exit $rc, want $code"$'\n'"$(head -c 2000 "$out/hostile-$name.txt")"
	elif ! grep -qF -- "$expect" "$out/hostile-$name.txt"; then bad "hostile $name" "output lacks: $expect"$'\n'"$(head -c 2000 "$out/hostile-$name.txt")"
	else ok; fi
}
h=$out/hostile; mkdir -p "$h"
# the inputs, made whenever the filter selects any of the tests below (by this script's
# own "hostile NAME" lines: want matches a substring)
if want "$(sed -n 's/^hostile \([a-z0-9-]*\) .*/hostile-\1/p' "${BASH_SOURCE[0]}")"; then
	awk 'BEGIN { for (i = 0; i < 200000; i++) printf "<div>"; printf "a miracle"; for (i = 0; i < 200000; i++) printf "</div>" }' >"$h/deep.html"
	awk 'BEGIN { printf "<p>"; for (i = 0; i < 1000000; i++) printf "&amp;"; print " a miracle</p>" }' >"$h/entities.html"
	printf '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]><p>&e;&e;&e; a miracle</p>\n' >"$h/bomb.html"
	{ yes 'ketamine helps some people ' | tr -d '\n' | head -c $(( ${HL_LONGLINE_MB:-100} * 1024 * 1024 )); echo ' a miracle'; } >"$h/longline.txt"
	printf '```\nnever closed miracle\n<div><p>unclosed <b>tags\n[a link](http://x\n' >"$h/unclosed.md"
	printf '<html><body><p>unclosed <b>bold <i>miracle\n<table><tr><td>cell' >"$h/unclosed.html"
	printf '\xff\xfe\x00m\x00i\x00r\x00a\x00c\x00l\x00e' >"$h/utf16.txt"
	mkdir -p "$h/loop/sub"; ln -sfn .. "$h/loop/sub/up"; printf 'A miracle.\n' >"$h/loop/sub/post.txt"
	# a file that vanished between the directory listing and the read: a dangling link stands in
	mkdir -p "$h/vanished"; ln -sfn "$h/vanished/deleted.txt" "$h/vanished/gone.txt"; printf 'A miracle.\n' >"$h/vanished/kept.txt"
	printf 'pack: slow\nrules:\n  - id: slow-rule\n    kind: pattern\n    severity: warning\n    scope: document\n    message: m\n    why: w\n    pattern: (a+)+$\n' >"$h/slow.yml"
	awk 'BEGIN { for (i = 0; i < 40; i++) printf "a"; print "b" }' >"$h/slow.txt"
	# over HL_SOURCE_MAX (1 GiB): sparse, so it takes no disk, and refused before it is read
	rm -f "$h/huge.txt"; truncate -s 1100M "$h/huge.txt"
fi
hostile deep-nesting 1 'deep.html:1:1000003: warning: hype word "miracle"' "$h/deep.html"
hostile million-entities 1 "entities.html:1:5000007: warning: hype word" "$h/entities.html"
hostile entity-bomb 1 'hype word "miracle"' "$h/bomb.html"
hostile long-line 1 'hype word "miracle"' "$h/longline.txt"
hostile unclosed-markdown 0 "no findings" "$h/unclosed.md"
hostile unclosed-html 1 'hype word "miracle"' "$h/unclosed.html"
hostile nul-bytes 0 "binary file (it holds NUL bytes); skipped" "$h/utf16.txt"
hostile too-large 2 "huge.txt: error: too large to lint (1153433600 bytes; the limit is 1024 MiB)" "$h/huge.txt"
hostile symlink-loop 1 "directory already searched (a symlink loop?); skipped" "$h/loop"
hostile vanished-file 1 "gone.txt: note: broken symlink; skipped" "$h/vanished"
hostile runaway-pattern 1 "rule 'slow-rule' gave up here: match limit exceeded" --no-default-rules --rules "$h/slow.yml" --match-limit=10000 "$h/slow.txt"
hostile read-error 2 "error: cannot read: Input/output error" /proc/self/mem
if [ "$(id -u)" != 0 ]; then
	printf 'A miracle.\n' >"$h/locked.txt"; chmod 000 "$h/locked.txt"
	hostile unreadable 2 "error: cannot open: Permission denied" "$h/locked.txt"
fi # as root every file is readable: the read-error case above stands in
hostile directory-as-rules 2 "nothing was linted" --rules "$h/slow.txt" "$h/slow.txt"
# allocation failure: every failing allocation ends with "out of memory" and exit 2
if want hostile-oom; then
	oom_bad=""
	for n in 0 1 10 100 1000 5000 20000; do
		HYPELINT_FAIL_ALLOC=$n timeout 60 $HL tests/golden/md-post.md >"$out/oom-$n.txt" 2>&1; rc=$?
		if [ "$rc" -ge 124 ] || { [ "$rc" = 2 ] && ! grep -q "hypelint: out of memory" "$out/oom-$n.txt"; }; then
			oom_bad="$oom_bad $n:$rc"
		fi
	done
	if [ -z "$oom_bad" ]; then ok; else bad "hostile oom" "failed at:$oom_bad"; fi
fi
# hypelint never writes to what it lints, nor beside it
if want hostile-no-writes; then
	before=$(find tests/golden samples -type f -exec cksum {} + | sort)
	$HL tests/golden samples >/dev/null 2>&1
	after=$(find tests/golden samples -type f -exec cksum {} + | sort)
	if [ "$before" = "$after" ]; then ok; else bad "hostile no-writes" "$(diff <(echo "$before") <(echo "$after"))"; fi
fi

# builds a test starts itself run as on a writer's machine: without the variables of the make
# that runs this suite (sanitizer flags, BUILD, BIN)
clean_env=(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u LDFLAGS -u CC -u BUILD -u BIN)

# 8. output formats, each read back with a real parser or validator (tests/formats.mjs)
if want formats; then
	if [ ! -x tests/node/node_modules/.bin/ajv ]; then
		bad formats "tests/node has no node_modules: run 'make test-deps' (npm ci --prefix tests/node)"
	else
		node tests/formats.mjs "$bin" "$out" >"$out/formats.txt" 2>&1
		tally formats "$out/formats.txt"
	fi
fi

# 9. configuration: .hypelint.yml found above each file, packs, ignores, overrides, CLI on top
if want config; then
	golden_cfg() { # name, then arguments; runs from the repository root
		local name=$1; shift
		$HL --color=never "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"; echo $? >"$out/$name.exit"
		{ cat "$out/$name.stdout"; echo "--- stderr"; cat "$out/$name.stderr"; echo "--- exit $(cat "$out/$name.exit")"; } >"$out/$name.actual"
		golden_compare "$name" "tests/config/$name.expected"
	}
	golden_cfg config-site tests/config/site tests/config/nested
	golden_cfg config-cli-wins --enable hype-word --disable house-banned-phrase --fail-on warning tests/config/site/post.md
	golden_cfg config-none --no-config tests/config/site/post.md
	golden_cfg config-explicit --config tests/config/site/.hypelint.yml tests/config/nested/inner/post.md
	golden_cfg config-ignored-named tests/config/site/drafts/wip.md
	for cf in tests/bad-config/*.yml; do
		name=bad-config-$(basename "$cf" .yml)
		$HL --config "$cf" tests/cli/clean.txt >/dev/null 2>"$out/$name.actual"; echo "--- exit $?" >>"$out/$name.actual"
		golden_compare "$name" "${cf%.yml}.err"
	done
	# a broken .hypelint.yml found by walking up stops the run before anything is linted
	mkdir -p "$out/cfgwalk/posts"
	printf 'ignore: [a\n' >"$out/cfgwalk/.hypelint.yml"; printf 'A miracle.\n' >"$out/cfgwalk/posts/p.txt"
	got=$($HL "$out/cfgwalk/posts/p.txt" 2>&1); rc=$?
	if [ $rc = 2 ] && grep -q "cfgwalk/.hypelint.yml:2:1: error: invalid YAML" <<<"$got"; then ok
	else bad "config: a broken configuration found above the file" "exit $rc: $got"; fi
fi

# 9b. parallel runs load the rules while they walk the directories: the same output as a
# serial run when a configuration names packs (the guess is dropped), when the rules or a
# configuration have errors (messages in the same order), when a pattern is valid only
# joined to the others (tests/cli/alone.yml: the main thread's check of each pattern
# alone must catch it), and with notes from the walk
if want jobs-preload; then
	pre=$out/preload
	mkdir -p "$pre/tree/sub" "$pre/badcfg/posts"
	printf 'A miracle cure.\n' >"$pre/tree/a.txt"; printf 'A breakthrough.\n' >"$pre/tree/sub/b.txt"
	ln -s missing.txt "$pre/tree/gone.txt"
	printf 'ignore: [a\n' >"$pre/badcfg/.hypelint.yml"; printf 'A miracle.\n' >"$pre/badcfg/posts/p.txt"
	for args in "tests/config/site tests/config/nested" "$pre/tree" "--rules tests/bad-rules/fields.yml $pre/tree" \
		"--rules tests/bad-rules/fields.yml $pre/badcfg" "--no-default --rules tests/cli/one-rule.yml $pre/tree" \
		"--no-default --rules tests/cli/alone.yml $pre/tree" "--rules tests/bad-rules/regex.yml $pre/tree"; do
		# shellcheck disable=SC2086 # $args is several arguments
		$HL --color=never -j 1 $args >"$pre/j1.txt" 2>&1; r1=$?
		# shellcheck disable=SC2086
		$HL --color=never -j 2 $args >"$pre/j2.txt" 2>&1; r2=$?
		if [ "$r1" = "$r2" ] && cmp -s "$pre/j1.txt" "$pre/j2.txt" && [ -s "$pre/j1.txt" ]; then ok
		else bad "jobs-preload: -j 1 and -j 2 differ on $args" "exit $r1 and $r2; $(diff "$pre/j1.txt" "$pre/j2.txt" | head -20)"; fi
	done
	# files are read ahead while the rules load, but not a FIFO named beside a directory:
	# opened early, it would lose its writer and its text
	rm -f "$pre/fifo"; mkfifo "$pre/fifo"
	for j in 1 2; do
		{ printf 'A miracle cure.\n' >"$pre/fifo" & } 2>/dev/null
		timeout 20 $HL --color=never -j $j "$pre/tree" "$pre/fifo" >"$pre/f$j.txt" 2>&1; r[j]=$?
		kill %% 2>/dev/null; wait 2>/dev/null
	done
	if [ "${r[1]}" = 1 ] && [ "${r[2]}" = 1 ] && cmp -s "$pre/f1.txt" "$pre/f2.txt" && grep -q "fifo:1:3: warning: hype word" "$pre/f2.txt"; then ok
	else bad "jobs-preload: a FIFO beside a directory" "exit ${r[1]} and ${r[2]}; $(diff "$pre/f1.txt" "$pre/f2.txt" | head -20)"; fi
fi

# 10. baseline: old findings stay quiet, new ones are reported, edits elsewhere change nothing
if want baseline; then
	b=$out/baseline; mkdir -p "$b"
	cp tests/config/site/post.md "$b/post.md"
	$HL --no-config --write-baseline "$b/base.txt" "$b/post.md" >"$b/w.out" 2>&1; rc=$?
	n=$(grep -vc '^#' "$b/base.txt")
	if [ $rc = 0 ] && [ "$n" = 4 ] && grep -q "recorded 4 findings" "$b/w.out"; then ok
	else bad "baseline: write" "exit $rc, $n entries: $(cat "$b/w.out" "$b/base.txt")"; fi
	got=$($HL --no-config --baseline "$b/base.txt" "$b/post.md" 2>&1); rc=$?
	if [ $rc = 0 ] && grep -q "no findings in 1 file; 4 more in the baseline" <<<"$got"; then ok
	else bad "baseline: unchanged file is quiet" "exit $rc: $got"; fi
	# edits elsewhere: a paragraph above, one in the middle, the old sentences moved down
	{ printf 'An introduction that says nothing new.\n\n'; sed -n 1,2p "$b/post.md"
	  printf 'Written by the editors.\n\n'; sed -n '3,$p' "$b/post.md"
	  printf '\nA breakthrough for depression. A miracle cure.\n'; } >"$b/edited.md"
	cp "$b/edited.md" "$b/post.md"
	got=$($HL --no-config --color=never --no-excerpt --baseline "$b/base.txt" "$b/post.md" 2>&1); rc=$?
	# the second "breakthrough" and the new "miracle" are new; the four old findings moved
	if [ $rc = 1 ] && [ "$(grep -c ': warning: \|: error: ' <<<"$got")" = 2 ] && grep -q 'post.md:11:3: warning: hype word "breakthrough"' <<<"$got" &&
		grep -q 'post.md:11:34: warning: hype word "miracle"' <<<"$got" && grep -q "; 4 more in the baseline" <<<"$got"; then ok
	else bad "baseline: only the new findings after edits" "exit $rc: $got"; fi
	printf 'not a fingerprint\n' >"$b/bad.txt"
	got=$($HL --no-config --baseline "$b/bad.txt" "$b/post.md" 2>&1); rc=$?
	if [ $rc = 2 ] && grep -q "bad.txt:1:1: error: not a baseline entry" <<<"$got"; then ok
	else bad "baseline: a bad file is an error" "exit $rc: $got"; fi
fi

# 11. editors: Vim reads the gcc format with the shipped compiler file and lands on each finding
if want editors; then
	$HL --color=never samples tests/golden >"$out/vim-in.txt" 2>&1
	if ! command -v vim >/dev/null; then bad "editors: vim" "vim is not installed (make test-deps)"
	else
		QF_INPUT=$out/vim-in.txt QF_OUTPUT=$out/vim-qf.txt timeout 60 vim -u NONE -i NONE -N -es -S tests/editors/qf.vim </dev/null >/dev/null 2>&1
		want_n=$(grep -c '^[^ ].*:[0-9]*:[0-9]*: \(error\|warning\|suggestion\|note\): ' "$out/vim-in.txt")
		got_n=$(wc -l <"$out/vim-qf.txt" 2>/dev/null || echo 0)
		# the cursor must land on the first word of the quoted match (Vim counts a tab as up
		# to eight screen columns, hypelint as one character: lines with tabs are left out)
		miss=$(awk -F'\t' '{
			n = split($1, a, ":"); if (a[5] == 1) next; cur = a[6]; for (i = 7; i <= n; i++) cur = cur ":" a[i]
			if (match($2, /"[^"]+"/)) { q = substr($2, RSTART + 1, RLENGTH - 2); sub(/ .*/, "", q)
				if (index(tolower(cur), tolower(q)) != 1) print }
		}' "$out/vim-qf.txt" 2>/dev/null)
		types=$(cut -d: -f4 "$out/vim-qf.txt" 2>/dev/null | sort -u | tr -d '\n')
		if [ "$got_n" = "$want_n" ] && [ "$want_n" -gt 100 ] && [ -z "$miss" ] && [ "$types" = "Ienw" ]; then ok
		else bad "editors: vim quickfix" "$got_n entries of $want_n, types '$types'; misplaced:"$'\n'"$miss"; fi
	fi
	node tests/editors/vscode.mjs "$out/vim-in.txt" >"$out/vscode.txt" 2>&1
	tally "editors: vscode problem matcher" "$out/vscode.txt"
fi

# 12. the editors' report in headless Chromium: highlights where the findings are, notes beside them
if want report; then
	if [ ! -f tests/node/node_modules/playwright-core/package.json ] || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
		bad report "needs playwright-core (npm ci --prefix tests/node) and Chromium (apt-get install chromium): make test-deps"
	else
		timeout 300 node tests/report.mjs "$bin" "$out" >"$out/report.txt" 2>&1
		tally report "$out/report.txt"
	fi
fi

# 13. pre-commit: the repository's hooks run by the real pre-commit in a scratch repository
if want pre-commit; then
	if ! command -v pre-commit >/dev/null || ! git rev-parse --git-dir >/dev/null 2>&1; then
		bad pre-commit "needs the pre-commit tool (apt-get install pre-commit) and a git checkout"
	else
		pc=$PWD/$out/precommit; root=$PWD
		mkdir -p "$pc/repo" "$pc/bin"
		( cd "$pc/repo" && git init -q && git config user.email hooks@example.com && git config user.name hooks &&
		  printf 'A miracle cure.\n' >post.md && printf 'Plain words.\n' >notes.txt && printf '# a miracle\n' >tool.py &&
		  printf '<p>It is 100%% safe.</p>\n' >page.html && git add . )
		# the script hook builds hypelint in pre-commit's clone, then lints only the staged posts
		(cd "$pc/repo" && PRE_COMMIT_HOME=$pc/home timeout 300 "${clean_env[@]}" pre-commit try-repo "$root" hypelint --all-files) >"$pc/script.txt" 2>&1; rc=$?
		if [ $rc = 1 ] && grep -q 'post.md:1:3: warning: hype word "miracle"' "$pc/script.txt" &&
			grep -q 'page.html:1:10: error: absolute safety claim' "$pc/script.txt" &&
			grep -q 'in 3 files' "$pc/script.txt" && ! grep -q 'tool.py' "$pc/script.txt"; then ok
		else bad "pre-commit: script hook" "exit $rc: $(cat "$pc/script.txt")"; fi
		# the system hook runs the hypelint on PATH; a clean file passes
		ln -sf "$bin" "$pc/bin/hypelint"
		(cd "$pc/repo" && PATH=$pc/bin:$PATH PRE_COMMIT_HOME=$pc/home timeout 300 "${clean_env[@]}" pre-commit try-repo "$root" hypelint-system --files notes.txt tool.py) >"$pc/system.txt" 2>&1; rc=$?
		if [ $rc = 0 ] && grep -q 'hypelint (installed).*Passed' "$pc/system.txt"; then ok
		else bad "pre-commit: system hook" "exit $rc: $(cat "$pc/system.txt")"; fi
	fi
fi

# 14. the GitHub Action's steps, run as the runner would run them
if want action; then
	if [ ! -f tests/node/node_modules/yaml/package.json ]; then bad action "needs the npm packages of tests/node: make test-deps"
	else
		node tests/action.mjs "$out" >"$out/action.txt" 2>&1
		tally action "$out/action.txt"
	fi
fi

# 15. packaging: install and uninstall under DESTDIR; the man page documents every option
if want packaging; then
	st=$PWD/$out/stage
	rm -rf "$st"
	# a build of its own, since PREFIX is compiled in: the binary under test stays as it is
	"${clean_env[@]}" make --no-print-directory -s install DESTDIR="$st" PREFIX=/usr BUILD="$out/pkg-build" BIN="$out/pkg-build/hypelint" >"$out/install.txt" 2>&1 &&
		[ -x "$st/usr/bin/hypelint" ] && [ -f "$st/usr/share/man/man1/hypelint.1" ] &&
		[ -f "$st/usr/share/hypelint/rules/hype.yml" ] && [ -f "$st/usr/share/hypelint/rules/knowledge/studies.yml" ] &&
		[ -f "$st/usr/share/hypelint/editors/vim/compiler/hypelint.vim" ]; rc=$?
	got=$(HYPELINT_RULES=$st/usr/share/hypelint/rules "$st/usr/bin/hypelint" --color=never tests/cli/warn-only.txt 2>&1)
	if [ $rc = 0 ] && grep -q 'hype word "breakthrough"' <<<"$got"; then ok
	else bad "packaging: make install" "$(cat "$out/install.txt") $got"; fi
	man=$(MANWIDTH=200 man -l "$st/usr/share/man/man1/hypelint.1" 2>/dev/null || cat "$st/usr/share/man/man1/hypelint.1")
	missing=""
	for opt in $($HL --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		grep -qF -- "$opt" <<<"$(sed 's/\\-/-/g' "$st/usr/share/man/man1/hypelint.1")" || missing="$missing $opt"
	done
	for section in "EXIT STATUS" FILES EXAMPLES ENVIRONMENT "OUTPUT FORMATS" CONFIGURATION BASELINES; do
		grep -q "^\.SH $section" "$st/usr/share/man/man1/hypelint.1" || missing="$missing [$section]"
	done
	if [ -z "$missing" ] && grep -q "hypelint $(cat VERSION)" <<<"$man" && grep -q "/usr/share/hypelint/rules" <<<"$man" &&
		[ "$($HL --version)" = "hypelint $(cat VERSION)" ] && [ "$("$st/usr/bin/hypelint" --version)" = "hypelint $(cat VERSION)" ]; then ok
	else bad "packaging: man page and version" "missing:$missing"; fi
	"${clean_env[@]}" make --no-print-directory -s uninstall DESTDIR="$st" PREFIX=/usr >>"$out/install.txt" 2>&1
	left=$(find "$st" -type f)
	if [ -z "$left" ]; then ok; else bad "packaging: make uninstall leaves files" "$left"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
