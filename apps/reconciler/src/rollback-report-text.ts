import { rollbackAttentionMeaning, type RollbackAttention, type RollbackReport } from '#domain';

/** The terminal form of the rollback report: counts per reason with their meaning, then the first `limit` users. */
export function formatRollbackReport(report: RollbackReport, limit: number): string {
  const lines = [
    `rollback report    phase ${report.phase}: ${report.users.length} users would need attention on a return to Cognito`,
    '',
  ];
  for (const [reason, meaning] of Object.entries(rollbackAttentionMeaning) as [RollbackAttention, string][]) {
    lines.push(`${String(report.counts[reason]).padStart(8)}  ${reason.padEnd(30)}${meaning}`);
  }
  if (report.users.length > 0) {
    lines.push('', 'sub                                   username             reasons');
    for (const user of report.users.slice(0, limit)) {
      lines.push(`${user.sub.padEnd(38)}${(user.username ?? '-').padEnd(21)}${user.reasons.join(', ')}`);
    }
    if (report.users.length > limit) lines.push(`... ${report.users.length - limit} more (--json lists every one)`);
  }
  return `${lines.join('\n')}\n`;
}
