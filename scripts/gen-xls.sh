#!/usr/bin/env bash
# Converts two of the golden cases' generated workbooks to Excel 97-2003 (.xls) with LibreOffice
# in headless mode (Debian: apt-get install -y libreoffice-calc-nogui). The .xls files are
# committed as they are: nothing in CI needs LibreOffice.
#   cargo run -p orgsync-tests --bin gen-workbooks && scripts/gen-xls.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pair in "workbook-people-xlsx:workbook-people-xls" "workbook-sheets:workbook-sheets-xls"; do
  from=tests/cases/${pair%%:*}
  to=tests/cases/${pair##*:}
  mkdir -p "$to"
  soffice --headless -env:UserInstallation=file://"$tmp"/profile --convert-to xls --outdir "$tmp" "$from/input.xlsx" >/dev/null
  mv "$tmp/input.xls" "$to/input.xls"
done
printf '%s\n' "The people of workbook-people-xlsx saved as .xls by LibreOffice (scripts/gen-xls.sh): the same findings." > tests/cases/workbook-people-xls/README.md
printf '%s\n' '{"expect": ["F017", "R002", "R003", "X001"], "expect_not": ["F003", "F018", "F020", "F022"]}' > tests/cases/workbook-people-xls/options.json
printf '%s\n' "workbook-sheets saved as .xls by LibreOffice (scripts/gen-xls.sh): the second sheet from B3, merged cells (F021), a note below the table (F022)." > tests/cases/workbook-sheets-xls/README.md
printf '%s\n' '{"file_name": "users.xls", "expect": ["F017", "F021", "F022", "R002"], "expect_not": ["F003", "F010", "F018", "F020"]}' > tests/cases/workbook-sheets-xls/options.json
