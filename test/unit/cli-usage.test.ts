/** `pdf-pipeline usage` and `pdf-pipeline cost`: what they print from an answer and from the model. */
import { describe, expect, it } from 'vitest';
import { formatTable, formatTiers, formatUsage, formatUsd } from '../../cli/commands/usage.js';
import { MEASURED_COSTS, costPerTier, estimateCost } from '../../lambdas/shared/cost.js';
import { PRICE_TABLES } from '../../lambdas/shared/prices.js';
import { sumUsage } from '../../lambdas/shared/usage.js';

const PRICES = PRICE_TABLES['eu-west-1']!;

describe('formatTable', () => {
  it('aligns the first column left and the others right, under a rule', () => {
    expect(formatTable(['tier', 'cost'], [['10', '$1.00'], ['500', '$50.00']])).toBe(
      ['tier    cost', '----  ------', '10     $1.00', '500   $50.00'].join('\n'),
    );
  });
});

describe('formatUsd', () => {
  it('shows cents from a dollar up and four significant digits below', () => {
    expect(formatUsd(2679.349)).toBe('$2,679.35');
    expect(formatUsd(0.000124)).toBe('$0.0001240');
    expect(formatUsd(0)).toBe('$0');
  });
});

describe('formatUsage', () => {
  it('prints each day, the total, and the cost lines that cost anything', () => {
    // Arrange
    const day = { day: '2026-12-01', ...sumUsage([{ documentsCompleted: 2, pages: 10, gbSeconds: 1.5, sourceBytes: 2048 }]) };
    const estimate = estimateCost(day, PRICES);
    const answer = {
      ownerId: 'alice',
      from: '2026-12-01',
      to: '2026-12-04',
      days: [day],
      total: day,
      estimatedCost: { currency: 'USD' as const, region: 'eu-west-1', total: estimate.totalUsd, lines: [...estimate.lines], basis: 'list prices' },
    };

    // Act
    const text = formatUsage(answer);

    // Assert
    expect(text).toContain('Usage of alice from 2026-12-01 to 2026-12-04');
    expect(text).toMatch(/^2026-12-01 +2 +0 +0 +10 +0 +1\.5 +2\.0 KB +0$/m);
    expect(text).toMatch(/^total +2 /m);
    expect(text).toContain(`Estimated cost in eu-west-1: ${formatUsd(estimate.totalUsd)}`);
    expect(text).not.toContain('Textract');
  });

  it('says so when the deployment has no prices', () => {
    const total = sumUsage([]);
    expect(formatUsage({ ownerId: 'alice', from: '2026-12-01', to: '2026-12-01', days: [], total, estimatedCost: null })).toContain('no cost estimate');
  });
});

describe('formatTiers', () => {
  it('prints one row per tier with its month, document and thousand-page costs', () => {
    const tiers = costPerTier([10, 500], 10, MEASURED_COSTS, PRICES);
    const text = formatTiers(tiers, 10, PRICES, MEASURED_COSTS);
    expect(text.split('\n')).toHaveLength(2 + 2 + 1 + 1);
    expect(text).toMatch(/^500 +21,600,000 +216,000,000 /m);
  });
});
