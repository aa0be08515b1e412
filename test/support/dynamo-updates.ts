/**
 * What an `UpdateItem` sent to a mocked DynamoDB sets, read as DynamoDB would: the `SET`
 * clause's `attribute = value` assignments, names and values resolved. Handler tests over a
 * mocked SDK assert the fields a write gives the record this way, whatever placeholders the
 * store happens to choose.
 */
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

/** The fields an update sets to plain values (`SET #a = :b`), by attribute name. */
export function fieldsSet(input: Pick<UpdateCommandInput, 'UpdateExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>): Record<string, unknown> {
  const set = /\bSET\s+(.*?)(?=\s+(?:REMOVE|ADD|DELETE)\s|$)/s.exec(input.UpdateExpression ?? '')?.[1] ?? '';
  const fields: Record<string, unknown> = {};
  for (const assignment of set.split(',')) {
    const match = /^\s*(#?[\w.]+)\s*=\s*(:[\w]+)\s*$/.exec(assignment);
    if (!match) continue; // arithmetic such as `#n = #n + :one`: not a plain value
    const name = match[1]!.startsWith('#') ? input.ExpressionAttributeNames?.[match[1]!] : match[1];
    if (name !== undefined) fields[name] = input.ExpressionAttributeValues?.[match[2]!];
  }
  return fields;
}
