// Type-level tests of the package's declarations (checked by `tsc --noEmit`, never run).
import init, {
  check, fix, rules, template, groupsFromExport, Checker, Fixer, checkFile, fixFile,
  type Report, type Finding, type FixResult, type FixOutput, type Rule, type RuleCode, type Summary,
  type Preview, type Change, type ChangeKind, type RosterReport,
} from "orgsync-preflight";

export async function rosterUsage(upload: Uint8Array<ArrayBuffer>, exportBytes: Uint8Array, exportFile: File): Promise<void> {
  const report = check(upload, { roster: exportBytes, rosterName: "users.csv" });
  const preview: Preview | null | undefined = report.preview;
  const roster: RosterReport | undefined = report.roster;
  const newUsers: number | undefined = report.summary.actions.new_users;
  const p003: number | undefined = report.summary.by_code.P003;
  if (preview) {
    const first: Change | undefined = preview.changes[0];
    const kind: ChangeKind | undefined = first?.change;
    const revoked: number | undefined = preview.totals.by_kind["license-revoked"];
    void [first, kind, revoked, preview.totals.untouched];
  }
  const fixed = await fixFile(new Blob([upload]), { roster: exportFile, suggested: ["P003"] });
  const csv: string = fixed.previewCsv;
  void [roster?.users, newUsers, p003, csv];
}

export async function usage(bytes: Uint8Array, file: File): Promise<void> {
  await init();
  await init(new URL("https://intranet.example/orgsync/orgsync_js_bg.wasm"));
  const report: Report = check(bytes, { fileName: "users.csv", knownGroups: ["Sales"], maxFindingsPerCode: 100 });
  check("primary_email_address\r\n", { maxFindingsPerCode: "all" });
  check(bytes.buffer);
  const rows: number = report.file.rows;
  const kind: "users" | "deletion" | "email-change" | "id-change" = report.file.kind;
  const summary: Summary = report.summary;
  const r002: number | undefined = summary.by_code.R002;
  const first: Finding | undefined = report.findings[0];
  if (first) {
    const code: RuleCode = first.code;
    const row: number | null = first.row;
    const after: string | undefined = first.fix?.after;
    void [code, row, after];
  }
  const fixed: FixResult = fix(bytes, { suggested: ["R005", "invalid-email"], noFix: ["R012"] });
  const corrected: Uint8Array = fixed.correctedCsv;
  const errors: string = fixed.errorReportCsv;
  const list: Rule[] = rules();
  const fixKind: "none" | "safe" | "suggested" | "safe-or-suggested" = list[0].fix;

  const checker = new Checker({ knownGroups: [] });
  checker.push(bytes);
  const progress: number = checker.bytesRead + checker.rowsRead;
  checker.finish();
  const fixer = new Fixer(checker, { suggested: "all" });
  fixer.push(bytes);
  const chunk: FixOutput = fixer.takeOutput();
  fixer.finish();
  fixer.free();

  const fromFile: Report = await checkFile(file, { onProgress: (p) => console.log(p.phase, p.bytesRead / p.totalBytes) });
  const fixedFile: FixResult = await fixFile(file, { suggested: "all", signal: AbortSignal.timeout(60_000) });
  void [rows, kind, r002, corrected, errors, fixKind, progress, chunk, fromFile, fixedFile];

  // @ts-expect-error: rows is a number
  const wrong: string = report.file.rows;
  // @ts-expect-error: not a rule code
  const notCode: RuleCode = "R999";
  // @ts-expect-error: fix options do not go to check
  check(bytes, { suggested: "all" });
  // @ts-expect-error: suggested is "none", "all" or a list
  fix(bytes, { suggested: true });
  // @ts-expect-error: a Blob goes to checkFile
  check(file);
  // @ts-expect-error: the severity is a closed set
  const sev: "fatal" = report.findings[0].severity;
  // @ts-expect-error: a Fixer's options are only fix options
  new Fixer(checker, { fileName: "x.csv" });
  const csv: string = template({ admins: true, licenses: ["acme_license_learning_status"], groups: ["Sales"] });
  const groups: string[] = groupsFromExport(bytes);
  check(csv, { knownGroups: groups });
  // @ts-expect-error: admins is a boolean
  template({ admins: "yes" });
  void [wrong, notCode, sev];
}
