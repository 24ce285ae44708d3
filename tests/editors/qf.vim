" Load hypelint's compiler file, read $QF_INPUT (gcc-format output) into the quickfix
" list, jump to every entry and write what the cursor lands on to $QF_OUTPUT:
"   FILE:LINE:COL:TYPE:TABS:TEXT AT THE CURSOR<TAB>MESSAGE   (TABS: 1 when the line holds a tab)
set nocompatible
let &runtimepath = getcwd() . '/editors/vim,' . &runtimepath
compiler hypelint
execute 'cfile ' . fnameescape($QF_INPUT)
let s:out = []
let s:i = 0
for s:e in getqflist()
  let s:i += 1
  if !s:e.valid
    continue
  endif
  silent execute 'cc ' . s:i
  call add(s:out, printf("%s:%d:%d:%s:%d:%s\t%s", bufname(s:e.bufnr), s:e.lnum, s:e.col, s:e.type,
        \ stridx(getline('.'), "\t") >= 0, substitute(strpart(getline('.'), col('.') - 1, 60), "\t", " ", "g"),
        \ s:e.text))
endfor
call writefile(s:out, $QF_OUTPUT)
qall!
