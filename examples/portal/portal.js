// @ts-check
// A custom upload form on top of the orgsync-preflight JavaScript API: check the chosen file in
// slices with a progress bar, list what is wrong, and offer the corrected file and the error report
// for download. Everything runs in this tab.

import init, { checkFile, fixFile } from "orgsync-preflight";

/** @typedef {import("orgsync-preflight").Report} Report */
/** @typedef {import("orgsync-preflight").FixOptions} FixOptions */

const SHOWN = 200;

/** @template {HTMLElement} T @param {string} id @param {new () => T} type @returns {T} */
function element(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`#${id} is missing`);
  return el;
}

const form = element("upload-form", HTMLFormElement);
const fileInput = element("file", HTMLInputElement);
const groupsInput = element("groups", HTMLTextAreaElement);
const suggestedInput = element("suggested", HTMLInputElement);
const checkButton = element("check-button", HTMLButtonElement);
const fixButton = element("fix-button", HTMLButtonElement);
const progress = element("progress", HTMLProgressElement);
const result = element("result", HTMLDivElement);

await init();
checkButton.disabled = false;

/** The options of the form, as the API takes them. @returns {FixOptions} */
function options() {
  const knownGroups = groupsInput.value.split("\n").map((g) => g.trim()).filter((g) => g !== "");
  return { knownGroups, suggested: suggestedInput.checked ? "all" : "none", maxFindingsPerCode: 500 };
}

/** @param {import("orgsync-preflight").Progress} p */
function showProgress(p) {
  progress.hidden = false;
  progress.value = p.totalBytes === 0 ? 1 : p.bytesRead / p.totalBytes;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = fileInput.files?.[0];
  if (!file) return;
  checkButton.disabled = true;
  try {
    const { suggested, ...checkOptions } = options();
    render(await checkFile(file, { ...checkOptions, onProgress: showProgress }));
  } catch (e) {
    element("verdict", HTMLParagraphElement).textContent = `The check could not run: ${e instanceof Error ? e.message : e}`;
    result.hidden = false;
  } finally {
    checkButton.disabled = false;
    progress.hidden = true;
  }
});

fixButton.addEventListener("click", async () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  fixButton.disabled = true;
  try {
    const { correctedCsv, errorReportCsv } = await fixFile(file, { ...options(), onProgress: showProgress });
    const stem = file.name.replace(/\.[^.]*$/, "");
    const links = element("downloads", HTMLParagraphElement);
    links.replaceChildren(
      download(new Blob([correctedCsv], { type: "text/csv" }), `${stem}.corrected.csv`, "Corrected file"),
      " · ",
      download(new Blob([errorReportCsv], { type: "text/csv" }), `${stem}.errors.csv`, "Error report"),
    );
  } finally {
    fixButton.disabled = false;
    progress.hidden = true;
  }
});

/** @param {Report} report */
function render(report) {
  const { summary, file } = report;
  element("verdict", HTMLParagraphElement).textContent =
    summary.errors === 0
      ? `${file.name}: ${file.rows} rows, ready to upload.`
      : `${file.name}: ${file.rows} rows; fix the errors before you upload.`;
  const counts = element("counts", HTMLElement);
  counts.replaceChildren();
  for (const [label, n] of /** @type {const} */ ([
    ["Errors", summary.errors],
    ["Warnings", summary.warnings],
    ["Notes", summary.infos],
    ["Automatic fixes", summary.safe_fixes + summary.suggested_fixes],
  ])) {
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = label;
    dd.textContent = String(n);
    counts.append(dt, dd);
  }
  const body = element("findings", HTMLTableElement).tBodies[0];
  body.replaceChildren(
    ...report.findings.slice(0, SHOWN).map((f) => {
      const tr = document.createElement("tr");
      const cells = [
        f.row === null ? "file" : String(f.row),
        f.column ?? "",
        `${f.code} ${f.rule}`,
        f.fix ? `${f.message} (fix: “${f.fix.before}” → “${f.fix.after}”)` : f.message,
        f.tip,
      ];
      for (const text of cells) {
        const td = document.createElement("td");
        td.textContent = text; // never innerHTML: cells come from the file
        tr.append(td);
      }
      tr.cells[0].className = f.severity;
      return tr;
    }),
  );
  const hidden = report.findings.length - SHOWN + summary.omitted;
  const more = element("more", HTMLParagraphElement);
  more.hidden = hidden <= 0;
  more.textContent = `${hidden} more findings: download the error report to see them all.`;
  result.hidden = false;
}

/** @param {Blob} blob @param {string} name @param {string} label */
function download(blob, name, label) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.textContent = label;
  return a;
}
