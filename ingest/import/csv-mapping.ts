import type { LineResult } from './types.js';

/**
 * How CSV columns become v1 events (docs/import.md). A column named like an event field maps to it as is
 * (`id`, `type`, `channel`, `occurred_at`, `conversation_id`, `agent_id`, `customer.external_id`,
 * `customer.anonymous_id`, `customer.email`, `customer.phone`, `customer.channel_ids.<channel>`,
 * `properties.<name>` with an optional `:string|:number|:boolean|:json` type); `columns` renames other headers
 * to a target (or to `-` to ignore them); `constants` gives a target one value for every row (e.g.
 * `channel=sms`), used where the row's cell is empty.
 */
export interface CsvMappingSpec {
  columns?: Record<string, string>;
  constants?: Record<string, string>;
}

type ValueType = 'string' | 'number' | 'boolean' | 'json' | 'auto';

interface Target {
  /** Path inside the event, e.g. ['customer', 'channel_ids', 'wechat']. */
  path: string[];
  type: ValueType;
}

export type CompiledCsvMapping = {
  width: number;
  /** One data row → an event to validate, or a rejection (wrong width, value not of its column's type). */
  toEvent(fields: string[]): LineResult;
};

const TOP = new Set(['id', 'type', 'channel', 'occurred_at', 'conversation_id', 'agent_id']);
const CUSTOMER = new Set(['external_id', 'anonymous_id', 'email', 'phone']);
const REQUIRED = ['id', 'type', 'channel', 'occurred_at'];
const NAME = /^[A-Za-z0-9_$][A-Za-z0-9_.$-]*$/;
const CHANNEL = /^[a-z][a-z0-9_]{0,31}$/;

/** Parses a target like `properties.score:number`; a string explains why it is not one. */
export function parseTarget(raw: string): Target | string {
  const [name, type, ...extra] = raw.trim().split(':');
  if (extra.length > 0 || (type !== undefined && !['string', 'number', 'boolean', 'json'].includes(type))) {
    return `"${raw}": a type suffix must be one of :string, :number, :boolean, :json`;
  }
  const parts = name.split('.');
  if (parts.length === 1 && TOP.has(name)) return type && type !== 'string' ? `"${raw}": ${name} is a string` : { path: [name], type: 'string' };
  if (parts[0] === 'customer' && parts.length === 2 && CUSTOMER.has(parts[1])) return { path: parts, type: 'string' };
  if (parts[0] === 'customer' && parts[1] === 'channel_ids' && parts.length === 3 && CHANNEL.test(parts[2])) return { path: parts, type: 'string' };
  if (parts[0] === 'properties' && parts.length >= 2) {
    const key = name.slice('properties.'.length);
    if (!NAME.test(key)) return `"${raw}": a property name may hold letters, digits, _ . $ -`;
    return { path: ['properties', key], type: (type as ValueType | undefined) ?? 'auto' };
  }
  return `"${raw}" is not an event field (id, type, channel, occurred_at, conversation_id, agent_id, customer.external_id|anonymous_id|email|phone, customer.channel_ids.<channel>, properties.<name>[:type])`;
}

/** A cell as its column's type; `undefined` for an empty cell (the field is left out), a string when it cannot be. */
function convert(cell: string, type: ValueType): { value: unknown } | { error: string } | undefined {
  if (cell === '') return undefined;
  switch (type) {
    case 'string':
      return { value: cell };
    case 'number': {
      const n = Number(cell.trim());
      return cell.trim() !== '' && Number.isFinite(n) ? { value: n } : { error: `"${cell}" is not a number` };
    }
    case 'boolean': {
      const b = cell.trim().toLowerCase();
      return b === 'true' || b === '1' ? { value: true } : b === 'false' || b === '0' ? { value: false } : { error: `"${cell}" is not true/false` };
    }
    case 'json':
      try {
        return { value: JSON.parse(cell) };
      } catch {
        return { error: `"${cell.slice(0, 40)}" is not JSON` };
      }
    case 'auto': {
      // A number only when it reads back identically: "00123", "1e5" and 20-digit ids stay text.
      const n = Number(cell);
      if (Number.isFinite(n) && String(n) === cell) return { value: n };
      return { value: cell === 'true' ? true : cell === 'false' ? false : cell };
    }
  }
}

function place(event: Record<string, unknown>, path: string[], value: unknown): void {
  let o = event;
  for (let i = 0; i < path.length - 1; i++) o = (o[path[i]] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]] = value;
}

/**
 * Compiles the header (and the mapping) once; rows are then mapped without lookups. Fails when a header
 * names no event field and is not mapped, when two columns land on one field, or when nothing supplies
 * id, type, channel, occurred_at or a customer identifier.
 */
export function compileCsvMapping(header: string[], spec: CsvMappingSpec = {}): { ok: true; mapping: CompiledCsvMapping } | { ok: false; message: string } {
  const names = header.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
  const columns: Array<Target | null> = [];
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const key of Object.keys(spec.columns ?? {})) if (!names.includes(key)) problems.push(`mapping names column "${key}", which the header lacks`);
  names.forEach((name, i) => {
    const raw = spec.columns?.[name] ?? name;
    if (raw.trim() === '-') return void columns.push(null);
    const t = parseTarget(raw);
    if (typeof t === 'string') {
      problems.push(`column ${i + 1} ${t}${raw === name ? `; map it with --column '${name}=<field>' or ignore it with --column '${name}=-'` : ''}`);
      return void columns.push(null);
    }
    const at = t.path.join('.');
    if (seen.has(at)) problems.push(`columns "${seen.get(at)}" and "${name}" both map to ${at}`);
    seen.set(at, name);
    columns.push(t);
  });
  const constants: Array<{ target: Target; value: string }> = [];
  for (const [raw, value] of Object.entries(spec.constants ?? {})) {
    const t = parseTarget(raw);
    const v = typeof t === 'string' ? undefined : convert(value, t.type);
    if (typeof t === 'string') problems.push(`--set ${t}`);
    else if (v && 'error' in v) problems.push(`--set ${raw}: ${v.error}`);
    else constants.push({ target: t, value });
  }
  const supplied = new Set([...columns.flatMap((c) => (c ? [c.path.join('.')] : [])), ...constants.map((c) => c.target.path.join('.'))]);
  const missing = REQUIRED.filter((f) => !supplied.has(f));
  if (missing.length > 0) problems.push(`nothing supplies ${missing.join(', ')} (a column or --set)`);
  if (![...supplied].some((f) => f.startsWith('customer.')))
    problems.push('nothing supplies a customer identifier (customer.external_id, .anonymous_id, .email, .phone or .channel_ids.<channel>)');
  if (problems.length > 0) return { ok: false, message: problems.join('; ') };

  const width = names.length;
  return {
    ok: true,
    mapping: {
      width,
      toEvent(fields: string[]): LineResult {
        if (fields.length !== width) return { ok: false, code: 'IMPORT_ERR_BAD_CSV', reason: `row has ${fields.length} fields, the header ${width}` };
        const event: Record<string, unknown> = { customer: {} };
        for (const c of constants) {
          const v = convert(c.value, c.target.type);
          if (v && 'value' in v) place(event, c.target.path, v.value);
        }
        for (let i = 0; i < width; i++) {
          const t = columns[i];
          if (!t) continue;
          const v = convert(fields[i], t.type);
          if (v === undefined) continue;
          if ('error' in v) return { ok: false, code: 'IMPORT_ERR_BAD_CSV', reason: `column "${names[i]}": ${v.error}` };
          place(event, t.path, v.value);
        }
        return { ok: true, event };
      },
    },
  };
}
