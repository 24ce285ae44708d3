#!/usr/bin/env bash
# bench.sh - hypelint's throughput, memory and start-up, against rg -P on the same files.
#
#   bench/bench.sh [SIZES...]      sizes in MB, default "1 10 100"
#
# Builds a deterministic corpus from samples/ (plain text, HTML, Markdown; many small files
# and one large file per size) under bench/out/, lints it with the full bundled rules, and
# times `rg -P -i` searching the same files for the union of the bundled patterns
# (hypelint --list-patterns). Prints MB/s, peak memory and the ratio. Not part of make test.
set -u
cd "$(dirname "$0")/.." || exit 2
sizes=${*:-1 10 100}
out=bench/out
HL=./hypelint
jobs=$(nproc)

command -v rg >/dev/null || { echo "bench: needs ripgrep (apt-get install ripgrep)"; exit 2; }
make -s hypelint || exit 2
mkdir -p "$out"
"$HL" --list-patterns >"$out/patterns.txt"
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) cores, $(wc -l <"$out/patterns.txt") patterns"

# make_corpus FORMAT EXT MB: $out/FORMAT-MB/ (small files) and $out/FORMAT-MB.EXT (one file)
make_corpus() {
	local fmt=$1 ext=$2 mb=$3 dir=$out/$1-$3 big=$out/$1-$3.$2 want=$(( $3 * 1024 * 1024 )) have=0 i=0 f
	[ -f "$big" ] && return
	mkdir -p "$dir"
	local srcs=(samples/*."$ext")
	while [ "$have" -lt "$want" ]; do
		f=${srcs[$(( i % ${#srcs[@]} ))]}
		cp "$f" "$dir/post-$i.$ext"
		have=$(( have + $(stat -c %s "$f") ))
		i=$(( i + 1 ))
	done
	find "$dir" -type f -name "*.$ext" | sort -V | xargs cat >"$big"
}

# run LABEL COMMAND...: prints seconds and peak KB
measure() {
	/usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$out/time.txt"
	tail -n 1 "$out/time.txt"
}

printf '%-22s %9s %9s %9s %9s %9s %8s\n' input MB "j1 MB/s" "j$jobs MB/s" "peak MB" "rg MB/s" ratio
for mb in $sizes; do
	for spec in text:txt html:html markdown:md; do
		fmt=${spec%%:*} ext=${spec##*:}
		make_corpus "$fmt" "$ext" "$mb"
		for shape in files one; do
			if [ $shape = files ]; then target=$out/$fmt-$mb; else target=$out/$fmt-$mb.$ext; fi
			bytes=$(du -sb "$target" | cut -f1)
			read -r t1 _ < <(measure "$HL" -j 1 --no-excerpt --fail-on=none "$target")
			read -r tj kb < <(measure "$HL" -j "$jobs" --no-excerpt --fail-on=none "$target")
			read -r tr _ < <(measure rg -P -i -c -f "$out/patterns.txt" "$target")
			awk -v n="$fmt-$mb-$shape" -v b="$bytes" -v t1="$t1" -v tj="$tj" -v kb="$kb" -v tr="$tr" 'BEGIN {
				mbs = b / 1048576; s1 = t1 > 0 ? mbs / t1 : 0; sj = tj > 0 ? mbs / tj : 0; sr = tr > 0 ? mbs / tr : 0
				printf "%-22s %9.1f %9.1f %9.1f %9.1f %9.1f %7.2fx\n", n, mbs, s1, sj, kb / 1024, sr, (sr > 0 ? s1 / sr : 0) }'
		done
	done
done
# start-up: load and JIT-compile every rule, lint an empty file
: >"$out/empty.txt"
start=$(date +%s%N)
for _ in $(seq 20); do "$HL" "$out/empty.txt" 2>/dev/null; done
end=$(date +%s%N)
echo "start-up: $(( (end - start) / 20000000 )) ms (mean of 20 runs)"
