# Shell helpers shared by scripts/setup, build-pkg, test-pkg and test-runtimes (sourced, not run,
# from the repository's root). For check and same_tables, callers set `native` (the native tables
# JSON) and `failed=0`.

# The pinned nightly compiler of the npm modules, as scripts/wasm-nightly names it.
wasm_nightly() { grep -v '^#' scripts/wasm-nightly; }

# Whether that nightly is installed with core's sources (rust-src), which build-pkg needs.
wasm_nightly_ready() {
  local nightly; nightly=$(wasm_nightly)
  rustup toolchain list | grep -q "^$nightly" \
    && rustup component list --toolchain "$nightly" --installed | grep -q '^rust-src'
}

started=
elapsed() { local us=$(( ${EPOCHREALTIME/./} - ${started/./} )); printf '%d.%ds' $((us / 1000000)) $((us / 100000 % 10)); }

# check <label> <command...>: the command must succeed.
check() {
  local label=$1 out; shift; started=$EPOCHREALTIME
  if out=$("$@" 2>&1); then echo "ok   $label ($(elapsed))"
  else echo "FAIL $label ($(elapsed))"; echo "$out" | head -20; failed=1; return 1; fi
}

# same_tables <label> <command...>: the command must print the native tables JSON, byte for byte.
same_tables() {
  local label=$1 out; shift; started=$EPOCHREALTIME
  if ! out=$("$@" 2>&1); then
    echo "FAIL identical tables: $label ($(elapsed))"; echo "$out" | head -20; failed=1
  elif [ "$out" != "$native" ]; then
    echo "FAIL identical tables: $label ($(elapsed))"; show_difference "$out"; failed=1
  else
    echo "ok   identical tables: $label ($(elapsed))"
  fi
}

# Where the output first differs from the native JSON (both are one long line).
show_difference() {
  local n; n=$(cmp <(printf '%s' "$1") <(printf '%s' "$native") 2>&1 | grep -o 'byte [0-9]*' | grep -o '[0-9]*')
  if [ -z "$n" ]; then echo "$1" | tail -20; return; fi
  local from=$(( n > 100 ? n - 100 : 0 ))
  echo "  first difference at byte $n of ${#1} (native: ${#native} bytes)"
  echo "  got:    ...${1:$from:200}"
  echo "  native: ...${native:$from:200}"
}
