/**
 * `npm run audit` (and `.ci/run`): fails on known high or critical vulnerabilities in the
 * production dependencies (`npm audit --omit=dev --audit-level=high`).
 *
 * Offline-tolerant: when the registry's audit endpoint cannot be reached or answers with an
 * error (no network, a registry mirror without the audit API), it warns and passes, since that
 * says nothing about the dependencies. Any answer that lists high or critical findings fails.
 */
import { spawnSync } from 'node:child_process';

export type AuditVerdict =
  | { readonly verdict: 'pass'; readonly message: string }
  | { readonly verdict: 'fail'; readonly message: string }
  | { readonly verdict: 'unavailable'; readonly message: string };

interface AuditReport {
  readonly vulnerabilities?: Record<string, { readonly severity?: string; readonly via?: readonly unknown[]; readonly fixAvailable?: unknown }>;
  readonly metadata?: { readonly vulnerabilities?: Record<string, number> };
  readonly error?: { readonly summary?: string; readonly detail?: string };
  readonly message?: string;
}

const BLOCKING = ['high', 'critical'];

/** Judges what `npm audit --json` printed. */
export function judgeAudit(stdout: string): AuditVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(stdout) as AuditReport;
  } catch {
    return { verdict: 'unavailable', message: 'npm audit printed no report (is the registry reachable?)' };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    const reason = report.message ?? report.error?.summary ?? 'no vulnerability counts in the answer';
    return { verdict: 'unavailable', message: `the audit endpoint did not answer: ${reason}` };
  }
  const blocking = Object.entries(report.vulnerabilities ?? {}).filter(([, entry]) => BLOCKING.includes(entry.severity ?? ''));
  const total = BLOCKING.reduce((sum, severity) => sum + (counts[severity] ?? 0), 0);
  if (total === 0 && blocking.length === 0) {
    return { verdict: 'pass', message: `no high or critical vulnerabilities in production dependencies (${counts.total ?? 0} lower ones)` };
  }
  const listed = blocking.map(([name, entry]) => `${name} (${entry.severity}${entry.fixAvailable ? ', fix available' : ''})`);
  return {
    verdict: 'fail',
    message: `${Math.max(total, blocking.length)} high or critical vulnerabilities in production dependencies: ${listed.join(', ')}. Upgrade them (exact versions) or see \`npm audit --omit=dev\`.`,
  };
}

function main(): void {
  const audit = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8' });
  const result = judgeAudit(audit.stdout ?? '');
  switch (result.verdict) {
    case 'pass':
      console.log(`audit: ${result.message}`);
      return;
    case 'unavailable':
      console.warn(`audit: WARNING, not checked: ${result.message}`);
      return;
    case 'fail':
      console.error(`audit: ${result.message}`);
      process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
