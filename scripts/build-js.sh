#!/usr/bin/env bash
# Builds the JavaScript API package (crates/orgsync-js/pkg): the wasm, wasm-bindgen's ES-module
# glue (--target web, which browsers load from a plain <script type="module"> and bundlers
# accept), the hand-written entry point and declarations, and package.json.
#
#   scripts/build-js.sh [--no-opt] [--roster | --encodings | --workbook] [OUT_DIR]
#
# Four packages, each with everything the one before it has (crates/orgsync-js/Cargo.toml):
# the default package (crates/orgsync-js/pkg; its wasm's budget is 150 KB gzip) checks and fixes
# files in UTF-8, UTF-16 and Windows-1252; a file in another code page is F001 and names the build
# that reads it, and the `roster` option throws, naming the build that has it.
# --roster builds the package that also compares the upload with a user export (the `roster`
# feature: rules P001-P005 and the preview), by default into crates/orgsync-js/pkg-roster.
# --encodings builds the package that also detects and reads every code page of the Encoding
# Standard (the `legacy-encodings` feature: encoding_rs and chardetng), by default into
# crates/orgsync-js/pkg-encodings: opt-in because it doubles the wasm.
# --workbook builds the package that also reads workbooks (.xlsx, .xlsm, .xlsb, .ods, .xls; the
# `workbook` feature), by default into crates/orgsync-js/pkg-workbook: it is opt-in because the
# reader more than doubles the wasm (BENCHMARKS.md, "Workbooks").
#
# Needs the wasm32-unknown-unknown target and wasm-bindgen-cli 0.2.130 (installed when missing);
# optimises with wasm-opt from the npm package binaryen@132 (tests/js's devDependencies).
set -euo pipefail
cd "$(dirname "$0")/.."

opt=1
features=()
default_out=crates/orgsync-js/pkg
while [[ "${1:-}" == --* ]]; do
  case "$1" in
    --no-opt) opt=0 ;;
    --roster) features=(--features roster); default_out=crates/orgsync-js/pkg-roster ;;
    --encodings) features=(--features legacy-encodings); default_out=crates/orgsync-js/pkg-encodings ;;
    --workbook) features=(--features workbook); default_out=crates/orgsync-js/pkg-workbook ;;
    *) echo "build-js: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
out="${1:-$default_out}"
want=0.2.130 # = the workspace's wasm-bindgen pin

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown ||
  rustup target add wasm32-unknown-unknown

bindgen="${WASM_BINDGEN:-$(command -v wasm-bindgen || echo "$HOME/.cargo/bin/wasm-bindgen")}"
if ! "$bindgen" --version 2>/dev/null | grep -qF " $want"; then
  cargo install wasm-bindgen-cli --version "$want" --locked
  bindgen="$HOME/.cargo/bin/wasm-bindgen"
fi

cargo build -p orgsync-js --target wasm32-unknown-unknown --profile release-js ${features[@]+"${features[@]}"}
rm -rf "$out"
"$bindgen" --target web --out-dir "$out" --out-name orgsync_js \
  target/wasm32-unknown-unknown/release-js/orgsync_js.wasm

if ((opt)); then
  wasm_opt=tests/js/node_modules/.bin/wasm-opt
  [[ -x "$wasm_opt" ]] || npm ci --prefix tests/js --no-audit --no-fund
  # The features rustc enables by default for wasm32-unknown-unknown, and simd128 (.cargo/config.toml). --converge
  # repeats -Oz until it stops shrinking (0.4 KB gzip; -O3/-Os, --gufa, --monomorphize and
  # --merge-similar-functions were tried and give nothing or grow it). --low-memory-unused lets it
  # fold constant offsets into loads and stores (0.8 KB gzip): it assumes no access below address
  # 1024, which Rust's wasm32 layout only reaches when the 1 MiB stack has overflowed anyway.
  "$wasm_opt" -Oz --converge --low-memory-unused --strip-debug --strip-producers \
    --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-reference-types --enable-multivalue --enable-simd \
    "$out/orgsync_js_bg.wasm" -o "$out/orgsync_js_bg.wasm"
fi

cp crates/orgsync-js/js/index.js crates/orgsync-js/js/index.d.ts "$out/"
# The rules' documentation, which the wasm leaves out (orgsync-core without `rule-docs`):
# rule-docs.js maps each code to its Markdown file's text, for index.js's rules().
node -e '
  const fs = require("fs"), dir = "crates/orgsync-core/src/rules/docs", docs = {};
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".md")).sort()) docs[f.slice(0, -3)] = fs.readFileSync(dir + "/" + f, "utf8");
  fs.writeFileSync(process.argv[1], "// Written by scripts/build-js.sh from crates/orgsync-core/src/rules/docs: every rule'"'"'s documentation.\nexport default " + JSON.stringify(docs, null, 0) + ";\n");
' "$out/rule-docs.js"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
sed "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" crates/orgsync-js/js/package.json >"$out/package.json"

wasm="$out/orgsync_js_bg.wasm"
echo "built $out: wasm $(wc -c <"$wasm") bytes, $(gzip -9c "$wasm" | wc -c) bytes gzip -9; rule-docs.js $(gzip -9c "$out/rule-docs.js" | wc -c) bytes gzip -9"
