/**
 * The medication-safety data (drugs, classes, conditions, rules, sources) validated at load with
 * Zod, so a broken data file stops the boot with an error naming the file and the path of the bad
 * entry (`medication.rules.ts [12].groups[1][0]: unknown drug or class "ibuprofn"`) rather than
 * silently missing a warning. References between files are checked too: every id a rule names must
 * exist, ids are unique, class parents form no cycle.
 */
import { z } from 'zod';
import { SAFETY_SEVERITIES } from '@medichat/shared';
import { medicationClasses } from './data/medication.classes.js';
import { medicationConditions } from './data/medication.conditions.js';
import { medicationDrugs } from './data/medication.drugs.js';
import { medicationRules } from './data/medication.rules.js';
import { medicationSources } from './data/medication.sources.js';

/** A data file failed its schema or references something that does not exist. */
export class MedicationDataError extends Error {
  readonly file: string;
  readonly path: string;
  constructor(file: string, path: string, message: string) {
    super(`medication data file ${file} is invalid at ${path || '(root)'}: ${message}`);
    this.name = 'MedicationDataError';
    this.file = file;
    this.path = path;
  }
}

const id = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lower-case-hyphenated id');
const ref = z.union([id, z.literal('*')]);
const term = z.string().trim().min(1).max(120);
const patientText = z.string().trim().min(10).max(1000);

export const sourceEntrySchema = z
  .object({ id, name: z.string().trim().min(3).max(300), url: z.url().max(500).optional() })
  .strict();
export const classEntrySchema = z
  .object({ id, name: z.string().trim().min(2).max(120), parents: z.array(id).optional(), terms: z.array(term) })
  .strict();
export const drugEntrySchema = z
  .object({
    id,
    name: z.string().trim().min(2).max(120),
    classes: z.array(id),
    ingredients: z.array(id).optional(),
    terms: z.array(term),
    brands: z.array(term),
  })
  .strict()
  .refine((d) => d.terms.length + d.brands.length > 0, 'a drug needs at least one name');
export const conditionEntrySchema = z
  .object({ id, name: z.string().trim().min(2).max(120), terms: z.array(term) })
  .strict();

const ruleBase = {
  id,
  severity: z.enum(SAFETY_SEVERITIES),
  source: id,
  why: patientText,
  advice: patientText,
  /** Headline template: `{drug}` (the drug), `{drugs}` (all drugs of a drug-drug rule). */
  what: z.string().trim().min(3).max(200).optional(),
  /** Drugs or classes this rule never applies to even when they match (e.g. aspirin in "NSAIDs"). */
  except: z.array(id).optional(),
};
export const ruleEntrySchema = z.discriminatedUnion('kind', [
  z.object({ ...ruleBase, kind: z.literal('drug-drug'), groups: z.array(z.array(id).min(1)).min(2).max(3) }).strict(),
  z
    .object({
      ...ruleBase,
      kind: z.literal('drug-allergy'),
      allergens: z.array(ref).min(1),
      drugs: z.array(ref).min(1),
    })
    .strict(),
  z
    .object({
      ...ruleBase,
      kind: z.literal('drug-condition'),
      conditions: z.array(id).min(1),
      drugs: z.array(id).min(1),
    })
    .strict(),
]);

export type SourceEntry = z.infer<typeof sourceEntrySchema>;
export type ClassEntry = z.infer<typeof classEntrySchema>;
export type DrugEntry = z.infer<typeof drugEntrySchema>;
export type ConditionEntry = z.infer<typeof conditionEntrySchema>;
export type RuleEntry = z.infer<typeof ruleEntrySchema>;

export interface MedicationData {
  sources: SourceEntry[];
  classes: ClassEntry[];
  drugs: DrugEntry[];
  conditions: ConditionEntry[];
  rules: RuleEntry[];
}

/** One data file: its name (for errors) and its content, not yet trusted. */
export interface DataFile {
  file: string;
  data: unknown;
}

export interface MedicationDataFiles {
  sources: DataFile;
  classes: DataFile;
  drugs: DataFile;
  conditions: DataFile;
  rules: DataFile;
}

export const defaultDataFiles: MedicationDataFiles = {
  sources: { file: 'medication.sources.ts', data: medicationSources },
  classes: { file: 'medication.classes.ts', data: medicationClasses },
  drugs: { file: 'medication.drugs.ts', data: medicationDrugs },
  conditions: { file: 'medication.conditions.ts', data: medicationConditions },
  rules: { file: 'medication.rules.ts', data: medicationRules },
};

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

function parseFile<T>(f: DataFile, schema: z.ZodType<T>): T[] {
  const result = z.array(schema).safeParse(f.data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MedicationDataError(f.file, formatPath(issue.path), issue.message);
  }
  return result.data;
}

function uniqueIds(f: DataFile, entries: Array<{ id: string }>, seen = new Map<string, string>()): void {
  entries.forEach((e, i) => {
    const other = seen.get(e.id);
    if (other) throw new MedicationDataError(f.file, `[${i}].id`, `duplicate id "${e.id}" (also in ${other})`);
    seen.set(e.id, f.file);
  });
}

/** Validate the data files and their references; throws MedicationDataError naming file and path. */
export function loadMedicationData(files: MedicationDataFiles = defaultDataFiles): MedicationData {
  const sources = parseFile(files.sources, sourceEntrySchema);
  const classes = parseFile(files.classes, classEntrySchema);
  const drugs = parseFile(files.drugs, drugEntrySchema);
  const conditions = parseFile(files.conditions, conditionEntrySchema);
  const rules = parseFile(files.rules, ruleEntrySchema);

  uniqueIds(files.sources, sources);
  // Drugs and classes share one namespace: rules name either.
  const concepts = new Map<string, string>();
  uniqueIds(files.classes, classes, concepts);
  uniqueIds(files.drugs, drugs, concepts);
  uniqueIds(files.conditions, conditions);
  uniqueIds(files.rules, rules);

  const classIds = new Set(classes.map((c) => c.id));
  const drugIds = new Set(drugs.map((d) => d.id));
  const conditionIds = new Set(conditions.map((c) => c.id));
  const sourceIds = new Set(sources.map((s) => s.id));
  const isConcept = (r: string) => classIds.has(r) || drugIds.has(r);

  classes.forEach((c, i) =>
    (c.parents ?? []).forEach((p, j) => {
      if (!classIds.has(p))
        throw new MedicationDataError(files.classes.file, `[${i}].parents[${j}]`, `unknown class "${p}"`);
    }),
  );
  // No cycles among class parents.
  const parentsOf = new Map(classes.map((c) => [c.id, c.parents ?? []]));
  classes.forEach((c, i) => {
    const stack = [...(parentsOf.get(c.id) ?? [])];
    const seen = new Set<string>();
    while (stack.length) {
      const p = stack.pop()!;
      if (p === c.id)
        throw new MedicationDataError(files.classes.file, `[${i}].parents`, `class "${c.id}" is its own ancestor`);
      if (seen.has(p)) continue;
      seen.add(p);
      stack.push(...(parentsOf.get(p) ?? []));
    }
  });
  drugs.forEach((d, i) => {
    d.classes.forEach((c, j) => {
      if (!classIds.has(c))
        throw new MedicationDataError(files.drugs.file, `[${i}].classes[${j}]`, `unknown class "${c}"`);
    });
    (d.ingredients ?? []).forEach((g, j) => {
      if (!drugIds.has(g) || g === d.id)
        throw new MedicationDataError(files.drugs.file, `[${i}].ingredients[${j}]`, `unknown drug "${g}"`);
    });
  });
  rules.forEach((r, i) => {
    const at = (path: string) => `[${i}].${path}`;
    if (!sourceIds.has(r.source))
      throw new MedicationDataError(files.rules.file, at('source'), `unknown source "${r.source}"`);
    const checkRefs = (list: readonly string[], path: string, allowStar = false) =>
      list.forEach((x, j) => {
        if (x === '*' && allowStar) return;
        if (!isConcept(x))
          throw new MedicationDataError(files.rules.file, at(`${path}[${j}]`), `unknown drug or class "${x}"`);
      });
    checkRefs(r.except ?? [], 'except');
    if (r.kind === 'drug-drug') r.groups.forEach((g, j) => checkRefs(g, `groups[${j}]`));
    if (r.kind === 'drug-allergy') {
      checkRefs(r.allergens, 'allergens', true);
      checkRefs(r.drugs, 'drugs', true);
      if (r.allergens.includes('*') !== r.drugs.includes('*'))
        throw new MedicationDataError(
          files.rules.file,
          at('drugs'),
          "'*' must be used in allergens and drugs together",
        );
    }
    if (r.kind === 'drug-condition') {
      checkRefs(r.drugs, 'drugs');
      r.conditions.forEach((c, j) => {
        if (!conditionIds.has(c))
          throw new MedicationDataError(files.rules.file, at(`conditions[${j}]`), `unknown condition "${c}"`);
      });
    }
  });
  return { sources, classes, drugs, conditions, rules };
}
