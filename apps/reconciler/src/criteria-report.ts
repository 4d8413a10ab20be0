import type { Criterion } from '#domain';
import type { CriteriaReport } from './migration-status-reader.js';

/** The terminal report of `ledger status`: phase, each criterion, what blocks the next phase, the projected date. */
export function formatCriteriaReport(report: CriteriaReport, now: Date): string {
  const { cutover, readiness, measured } = report;
  const lines = [
    `cutover phase      ${cutover.phase}${cutover.since ? ` since ${cutover.since.toISOString()}` : ' (since the first import)'}`,
  ];
  const last = cutover.last;
  if (last) {
    lines.push(
      `last decision      #${last.sequence} ${last.from} -> ${last.to} by ${last.by}${last.operator ? ` (${last.operator})` : ''}` +
        `${last.override ? ' OVERRIDE' : ''}: ${last.reason}`,
    );
    if (last.override) {
      const overridden = last.criteria.filter((c) => !c.met).map((c) => c.id);
      lines.push(`                   overrode: ${overridden.join(', ')}`);
    }
  }
  lines.push(
    `active users       ${measured.active} (${measured.activeMigrated} migrated, ${measured.remaining} remaining)`,
    `ledger vs target   ${measured.openDisagreements} open disagreements (recorded by the watcher's reconciliation pass)`,
    '',
    'criterion                    value        threshold    met',
  );
  const needed = new Set(readiness.criteria.map((c) => c.id));
  for (const c of report.criteria) {
    lines.push(
      `${needed.has(c.id) ? '*' : ' '} ${c.id.padEnd(27)}${show(c, c.value).padEnd(13)}${`${c.comparison === 'at-least' ? '>=' : '<='} ${show(c, c.threshold)}`.padEnd(13)}${c.met ? 'yes' : 'NO'}`,
    );
  }
  lines.push('  (* needed to leave the current phase)', '');
  if (readiness.next === null) lines.push('next phase         none: Cognito is retired');
  else if (readiness.blocking.length === 0) lines.push(`next phase         ${readiness.next}: nothing blocks it`);
  else lines.push(`next phase         ${readiness.next}: blocked by ${readiness.blocking.map((c) => c.id).join(', ')}`);
  const done = report.projectedDoneAt;
  lines.push(
    `projected done     ${
      done === null
        ? 'unknown: nobody migrated within the observation window'
        : done.getTime() <= now.getTime()
          ? 'reached (active-migrated threshold met)'
          : `${done.toISOString().slice(0, 10)} at the observation window's migration rate`
    }`,
  );
  return `${lines.join('\n')}\n`;
}

function show(c: Criterion, value: number | null): string {
  if (value === null) return 'unmeasured';
  return c.unit === 'share' ? `${(value * 100).toFixed(2)} %` : `${value} ${c.unit}`;
}
