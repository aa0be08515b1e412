/**
 * What an `UpdateItem` sent to a mocked DynamoDB sets, read as DynamoDB would: the `SET`
 * clause's `attribute = value` assignments, names and values resolved. Handler tests over a
 * mocked SDK assert the fields a write gives the record this way, whatever placeholders the
 * store happens to choose.
 */
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

type UpdateInput = Pick<UpdateCommandInput, 'UpdateExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

/** The text of one clause (`SET`, `ADD`…) of an update expression. */
function clause(input: UpdateInput, keyword: 'SET' | 'ADD'): string {
  return new RegExp(`\\b${keyword}\\s+(.*?)(?=\\s+(?:SET|REMOVE|ADD|DELETE)\\s|$)`, 's').exec(input.UpdateExpression ?? '')?.[1] ?? '';
}

const nameOf = (input: UpdateInput, token: string) => (token.startsWith('#') ? input.ExpressionAttributeNames?.[token] : token);

/** The fields an update sets to plain values (`SET #a = :b`), by attribute name. */
export function fieldsSet(input: UpdateInput): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const assignment of clause(input, 'SET').split(',')) {
    const match = /^\s*(#?[\w.]+)\s*=\s*(:\w+)\s*$/.exec(assignment);
    if (!match) continue; // arithmetic such as `#n = #n + :one`: not a plain value
    const name = nameOf(input, match[1]!);
    if (name !== undefined) fields[name] = input.ExpressionAttributeValues?.[match[2]!];
  }
  return fields;
}

/** The amounts an update adds (`ADD #a :b`), by attribute name. */
export function fieldsAdded(input: UpdateInput): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const addition of clause(input, 'ADD').split(',')) {
    const match = /^\s*(#?[\w.]+)\s+(:\w+)\s*$/.exec(addition);
    if (!match) continue;
    const name = nameOf(input, match[1]!);
    if (name !== undefined) fields[name] = input.ExpressionAttributeValues?.[match[2]!];
  }
  return fields;
}
