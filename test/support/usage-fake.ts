/**
 * An in-memory `UsageMeter` for unit tests of what records or reads usage: the same arithmetic
 * as the store (`sumUsage`), none of DynamoDB. The store itself is tested against DynamoDB Local.
 */
import { sumUsage, type Consumption, type DailyUsage } from '../../lambdas/shared/usage.js';
import type { UsageMeter, UsageReport } from '../../lambdas/shared/usage-store.js';

export class InMemoryUsageMeter implements UsageMeter {
  readonly recorded: { readonly ownerId: string; readonly day: string; readonly consumption: Consumption }[] = [];

  async recordUsage(ownerId: string, day: string, consumption: Consumption): Promise<void> {
    this.recorded.push({ ownerId, day, consumption });
  }

  async usageBetween(ownerId: string, from: string, to: string): Promise<UsageReport> {
    const byDay = new Map<string, Consumption[]>();
    for (const entry of this.recorded) {
      if (entry.ownerId !== ownerId || entry.day < from || entry.day > to) continue;
      byDay.set(entry.day, [...(byDay.get(entry.day) ?? []), entry.consumption]);
    }
    const days: DailyUsage[] = [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, usages]) => ({ day, ...sumUsage(usages) }));
    return { ownerId, from, to, days, total: sumUsage(days) };
  }
}
