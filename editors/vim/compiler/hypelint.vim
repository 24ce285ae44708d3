" Vim compiler file for hypelint, the linter for hype and unsupported claims in health writing.
" Use it with  :compiler hypelint  and then  :make  (lints the current file) or
" :make posts/  (a directory); :copen lists the findings.
if exists('current_compiler')
  finish
endif
let current_compiler = 'hypelint'

if exists(':CompilerSet') != 2
  command -nargs=* CompilerSet setlocal <args>
endif

let s:cpo_save = &cpo
set cpo&vim

" With no argument :make lints the file being edited.
CompilerSet makeprg=hypelint\ --no-excerpt\ --color=never\ $*\ %:S

" FILE:LINE:COL: LEVEL: MESSAGE [rule-id]; errors, warnings and notes keep their type,
" suggestions become information. Excerpt lines and the summary are skipped. hypelint counts
" columns in characters, so they are read as screen columns (%v): curly quotes and accented
" letters before a finding do not shift the cursor.
CompilerSet errorformat=
      \%f:%l:%v:\ %trror:\ %m,
      \%f:%l:%v:\ %tarning:\ %m,
      \%f:%l:%v:\ %tote:\ %m,
      \%I%f:%l:%v:\ suggestion:\ %m,
      \%-G%.%#

let &cpo = s:cpo_save
unlet s:cpo_save
