/**
 * `pdf-pipeline usage [--from --to] [--owner]`: what your documents consumed per UTC day, through
 * `GET /v1/usage`, with the estimated cost; and `pdf-pipeline cost --uploads-per-minute 10,50,500
 * --pages N`: the monthly cost of each scale tier from the measured per-page figures, offline.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { CONFIGS, ENVIRONMENT_NAMES, type EnvironmentName } from '../../lib/config.js';
import { MEASURED_COSTS, costPerTier, type MeasuredCosts, type TierCost } from '../../lambdas/shared/cost.js';
import { priceTableFor, type PriceTable } from '../../lambdas/shared/prices.js';
import { isUsageDay, type UsageTotals } from '../../lambdas/shared/usage.js';
import type { UsageView } from '../client/api-client.js';
import { connect, resolveClientTarget } from '../client/api-target.js';
import { formatBytes, positiveInteger, printJsonLine, withTargetOptions, type ClientCommandOptions } from '../client/command-options.js';

/** Columns of a plain-text table, the first left-aligned and the rest right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** Dollars for people: cents above a dollar, four significant digits below. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return `$${usd.toPrecision(4)}`;
}

const figureRow = (label: string, usage: UsageTotals): string[] => [
  label,
  String(usage.documentsCompleted),
  String(usage.documentsFailed),
  String(usage.documentsReused),
  String(usage.pages),
  String(usage.textractPages),
  usage.gbSeconds.toFixed(1),
  formatBytes(usage.sourceBytes + usage.resultBytes),
  String(usage.dynamoDbWrites),
];

/** The usage answer as a table of days and their total, then the cost estimate by line. */
export function formatUsage(usage: UsageView): string {
  const header = ['day', 'completed', 'failed', 'reused', 'pages', 'textract', 'GB-s', 'stored', 'DDB writes'];
  const table = formatTable(header, [...usage.days.map((day) => figureRow(day.day, day)), figureRow('total', usage.total)]);
  const title = `Usage of ${usage.ownerId} from ${usage.from} to ${usage.to} (UTC days)`;
  if (!usage.estimatedCost) return `${title}\n${table}\n\nNo price table for this deployment's region: no cost estimate.`;
  const cost = formatTable(
    ['service', 'item', 'quantity', 'cost'],
    usage.estimatedCost.lines.filter((line) => line.usd > 0).map((line) => [`${line.service}: ${line.item}`, '', String(Number(line.quantity.toPrecision(6))), formatUsd(line.usd)]),
  );
  return [
    title,
    table,
    '',
    `Estimated cost in ${usage.estimatedCost.region}: ${formatUsd(usage.estimatedCost.total)}`,
    cost,
    usage.estimatedCost.basis,
  ].join('\n');
}

/** The scale tiers as a table: documents, pages and cost per month, per document and per 1,000 pages. */
export function formatTiers(tiers: readonly TierCost[], pagesPerDocument: number, prices: PriceTable, measured: MeasuredCosts): string {
  const rows = tiers.map((tier) => [
    String(tier.uploadsPerMinute),
    tier.documentsPerMonth.toLocaleString('en-US'),
    tier.pagesPerMonth.toLocaleString('en-US'),
    tier.averageConcurrency.toFixed(2),
    formatUsd(tier.monthlyUsd),
    formatUsd(tier.usdPerDocument),
    formatUsd(tier.usdPerThousandPages),
  ]);
  return [
    `Monthly cost per scale tier in ${prices.region}, ${pagesPerDocument} page(s) per document, 30-day month:`,
    formatTable(['uploads/min', 'documents/month', 'pages/month', 'concurrency', 'per month', 'per document', 'per 1,000 pages'], rows),
    `Measured: ${measured.msPerPage} ms per page + ${measured.msPerDocument} ms per document at ${measured.memoryMb} MB; ` +
      `Textract share ${measured.textractShare}. Public list prices (lambdas/shared/prices.ts), no free tier.`,
  ].join('\n');
}

const dayOption = (value: string): string => {
  if (!isUsageDay(value)) throw new InvalidArgumentError('must be a day written yyyy-mm-dd');
  return value;
};

const tierList = (value: string): number[] => {
  const tiers = value.split(',').map((part) => Number(part.trim()));
  if (tiers.length === 0 || tiers.some((tier) => !(Number.isFinite(tier) && tier > 0))) {
    throw new InvalidArgumentError('must be uploads per minute above 0, separated by commas (e.g. 10,50,500)');
  }
  return tiers;
};

const share = (value: string): number => {
  const parsed = Number(value);
  if (!(Number.isFinite(parsed) && parsed >= 0 && parsed <= 1)) throw new InvalidArgumentError('must be a share from 0 to 1');
  return parsed;
};

interface UsageOptions extends ClientCommandOptions {
  readonly from?: string;
  readonly to?: string;
  readonly owner?: string;
}

interface CostOptions {
  readonly uploadsPerMinute: number[];
  readonly pages: number;
  readonly env: EnvironmentName;
  readonly region?: string;
  readonly msPerPage?: number;
  readonly textractShare?: number;
  readonly json?: boolean;
}

export function registerUsage(program: Command): void {
  withTargetOptions(
    program
      .command('usage')
      .description('What your documents consumed per UTC day (documents, pages, GB-seconds, storage, writes) and its estimated cost.')
      .option('--from <day>', 'first day, yyyy-mm-dd (default: the first of this month)', dayOption)
      .option('--to <day>', 'last day, included, yyyy-mm-dd (default: today)', dayOption)
      .option('--owner <ownerId>', "admins: another owner's usage")
      .option('--json', 'the answer as the API returns it'),
  ).action(async (options: UsageOptions) => {
    const usage = await connect(resolveClientTarget(options)).getUsage({ from: options.from, to: options.to, ownerId: options.owner });
    if (options.json) printJsonLine(usage);
    else process.stdout.write(`${formatUsage(usage)}\n`);
  });

  program
    .command('cost')
    .description('Monthly cost per scale tier from the measured per-page costs and the public prices of a region (offline).')
    .requiredOption('--uploads-per-minute <list>', 'tiers, comma-separated, e.g. 10,50,500', tierList)
    .option('--pages <n>', 'pages per document', positiveInteger, 10)
    .option('--env <env>', "the environment whose region's prices to use", 'prod')
    .option('--region <region>', 'a region instead of the environment\'s')
    .option('--ms-per-page <ms>', `extraction milliseconds per page (measured: ${MEASURED_COSTS.msPerPage})`, positiveInteger)
    .option('--textract-share <share>', 'share of pages sent to Textract, 0 to 1 (default: 0)', share)
    .option('--json', 'the tiers as JSON')
    .action((options: CostOptions) => {
      if (!(ENVIRONMENT_NAMES as readonly string[]).includes(options.env)) throw new InvalidArgumentError(`--env must be one of ${ENVIRONMENT_NAMES.join(', ')}`);
      const region = options.region ?? CONFIGS[options.env].region;
      const prices = priceTableFor(region);
      if (!prices) {
        process.stderr.write(`Error: no price table for ${region} (lambdas/shared/prices.ts has ${['us-east-1', 'eu-west-1'].join(', ')}).\n`);
        process.exitCode = 2;
        return;
      }
      const measured: MeasuredCosts = {
        ...MEASURED_COSTS,
        memoryMb: CONFIGS[options.env].extraction.memoryMb,
        ...(options.msPerPage !== undefined ? { msPerPage: options.msPerPage } : {}),
        ...(options.textractShare !== undefined ? { textractShare: options.textractShare } : {}),
      };
      const tiers = costPerTier(options.uploadsPerMinute, options.pages, measured, prices);
      if (options.json) printJsonLine(tiers.map(({ estimate: _estimate, ...tier }) => tier));
      else process.stdout.write(`${formatTiers(tiers, options.pages, prices, measured)}\n`);
    });
}
