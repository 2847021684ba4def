import { fail } from '../model/errors.js';

/**
 * One column an export adds per member: `attr:NAME` (the customer's current
 * value of attribute NAME, absent as empty/null) or `tag:NAME` (whether the
 * customer holds tag NAME now). `label` is the spec as written: the CSV
 * header, the NDJSON key and the Arrow field name.
 */
export interface ExportColumn {
  kind: 'attr' | 'tag';
  name: string;
  label: string;
}

const COLUMNS_HINT = 'give a comma-separated list of attr:NAME and tag:NAME, e.g. --columns attr:city,tag:vip';

/**
 * Reads a column list: a comma-separated string (`attr:city,tag:vip`, as
 * `--columns` takes it) or an array of specs. Names keep their spaces and
 * case; a label may not repeat, nor be `customer_id`. Throws E_BAD_ARGS.
 */
export function parseColumns(list: string | readonly string[] | undefined): ExportColumn[] {
  if (list === undefined) return [];
  const specs = typeof list === 'string' ? (list === '' ? [] : list.split(',')) : list;
  if (typeof list === 'string' && list === '') throw fail.badArgs('the column list is empty', {}, COLUMNS_HINT);
  const out: ExportColumn[] = [];
  const seen = new Set<string>();
  specs.forEach((spec, i) => {
    const where = `column ${i + 1} ${JSON.stringify(spec)}`;
    if (typeof spec !== 'string') throw fail.badArgs(`column ${i + 1} is not a string`, {}, COLUMNS_HINT);
    const colon = spec.indexOf(':');
    const prefix = colon < 0 ? spec : spec.slice(0, colon);
    if (colon < 0 || (prefix !== 'attr' && prefix !== 'tag')) {
      throw fail.badArgs(`${where}: ${colon < 0 ? 'has no attr: or tag: prefix' : `unknown prefix ${JSON.stringify(prefix)}`}`, {}, COLUMNS_HINT);
    }
    const name = spec.slice(colon + 1);
    if (name === '') throw fail.badArgs(`${where}: the ${prefix} name is empty`, {}, COLUMNS_HINT);
    if (seen.has(spec)) throw fail.badArgs(`${where}: the column is listed twice`, {}, 'list each column once');
    seen.add(spec);
    out.push({ kind: prefix, name, label: spec });
  });
  return out;
}
