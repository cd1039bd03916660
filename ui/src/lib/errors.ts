// Where the window shows a failure the core reported: beside the form field it names, or,
// when it names none (or one this form does not have), at the form. The message is the
// core's sentence, shown as it is: the window never rewords or re-checks the rule.
import type { Field } from "../bindings";

/** A failure as the shell reports it (an `IpcError` fits). */
export interface Reported {
  message: string;
  field?: Field;
}

/** The failure, placed: the form's field name to show it beside, or null for the form. */
export interface Placed<K extends string> {
  field: K | null;
  message: string;
}

/**
 * Places `e` on a form whose fields are named `fields` (the core's field → the form's own
 * field name, e.g. `{ passphrase: "age_passphrase" }`).
 */
export function place<K extends string>(e: Reported, fields: Partial<Record<Field, K>>): Placed<K> {
  const at = e.field === undefined ? undefined : fields[e.field];
  return { field: at ?? null, message: e.message };
}

/**
 * The same, as a form keeps its errors: one sentence per field name, and the form's own
 * sentence (empty when the failure sits beside a field).
 */
export function split<K extends string>(
  e: Reported,
  fields: Partial<Record<Field, K>>,
): { errors: Partial<Record<K, string>>; form: string } {
  const p = place(e, fields);
  if (p.field === null) return { errors: {}, form: p.message };
  const errors: Partial<Record<K, string>> = {};
  errors[p.field] = p.message;
  return { errors, form: "" };
}

/** The errors without those of `fields` (the person changed them: the sentence goes). */
export function without<K extends string>(errors: Partial<Record<K, string>>, ...fields: K[]): Partial<Record<K, string>> {
  if (!fields.some((f) => errors[f] !== undefined)) return errors;
  const rest = { ...errors };
  for (const f of fields) delete rest[f];
  return rest;
}
