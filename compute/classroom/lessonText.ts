// The lesson's text: assets/lesson/<language>.json read and checked
// (titles, explanations, the code in both languages, the sentence templates),
// and the templates filled with a step's figures. Nothing here runs an
// experiment or writes a sentence a teacher would want to edit or translate:
// the text is data, and a template that names a figure no step measures is an
// error that says which.

import lessonEn from '../../assets/lesson/en.json' with { type: 'json' };
import { LESSON_STEP_IDS, type LessonStepId } from './lessonSteps.js';

export interface LessonSentence {
  /** A template: {name} is replaced by the figure of that name. */
  text: string;
  /** Shown only when every one of these flags is true. */
  when?: string[];
  /** Shown only when none of these flags is true. */
  unless?: string[];
}

export interface LessonStep {
  id: LessonStepId;
  title: string;
  /** The grid side the step runs at (the lecture's sizes). */
  n: number;
  explanation: string[];
  typescript: string;
  python: string;
  /** What the run button does, in words; may use {n}. */
  runs: string;
  /** The figure shown big (projector mode), and its unit in words (a template). */
  headline: string;
  headlineUnit: string;
  sentences: LessonSentence[];
}

export interface Lesson {
  language: string;
  /** For numbers in sentences (BCP 47, e.g. en-US). */
  locale: string;
  title: string;
  intro: string;
  /** Button and heading text, by key. */
  labels: Record<string, string>;
  steps: LessonStep[];
}

export class LessonFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonFormatError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(owner: Record<string, unknown>, key: string, where: string): string {
  const value = owner[key];
  if (typeof value !== 'string' || value.trim() === '')
    throw new LessonFormatError(`${where}: '${key}' must be non-empty text`);
  return value;
}

function flags(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string'))
    throw new LessonFormatError(`${where}: a condition must be a flag name or a list of them`);
  return list as string[];
}

/** Reads a lesson file's contents (already JSON-parsed), checking everything the app relies on. */
export function parseLesson(data: unknown): Lesson {
  if (!isRecord(data) || data.format !== 'vlab-lesson')
    throw new LessonFormatError("not a lesson file: 'format' must be 'vlab-lesson'");
  if (data.version !== 1)
    throw new LessonFormatError(
      `lesson format version ${String(data.version)} is not supported (this lab reads version 1)`,
    );
  const labels = isRecord(data.labels) ? data.labels : {};
  if (!Array.isArray(data.steps)) throw new LessonFormatError("'steps' must be a list");
  const steps = data.steps.map((raw, index): LessonStep => {
    const where = `step ${index + 1}`;
    if (!isRecord(raw)) throw new LessonFormatError(`${where} must be an object`);
    const id = raw.id;
    if (id !== LESSON_STEP_IDS[index]) {
      throw new LessonFormatError(
        `${where} must have id '${LESSON_STEP_IDS[index] ?? '(none: there are eleven steps)'}', got '${String(id)}'`,
      );
    }
    const n = raw.n;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
      throw new LessonFormatError(`${where}: 'n' must be a positive integer`);
    if (!Array.isArray(raw.explanation) || !raw.explanation.every((p) => typeof p === 'string')) {
      throw new LessonFormatError(`${where}: 'explanation' must be a list of paragraphs`);
    }
    if (!Array.isArray(raw.sentences)) throw new LessonFormatError(`${where}: 'sentences' must be a list`);
    const sentences = raw.sentences.map((s, k): LessonSentence => {
      const at = `${where}, sentence ${k + 1}`;
      if (!isRecord(s)) throw new LessonFormatError(`${at} must be an object with 'text'`);
      const when = flags(s.when, at);
      const unless = flags(s.unless, at);
      return { text: text(s, 'text', at), ...(when ? { when } : {}), ...(unless ? { unless } : {}) };
    });
    return {
      id: id as LessonStepId,
      title: text(raw, 'title', where),
      n,
      explanation: raw.explanation as string[],
      typescript: text(raw, 'typescript', where),
      python: text(raw, 'python', where),
      runs: text(raw, 'runs', where),
      headline: text(raw, 'headline', where),
      headlineUnit: text(raw, 'headlineUnit', where),
      sentences,
    };
  });
  if (steps.length !== LESSON_STEP_IDS.length)
    throw new LessonFormatError(`a lesson has ${LESSON_STEP_IDS.length} steps, this one ${steps.length}`);
  return {
    language: text(data, 'language', 'lesson'),
    locale: typeof data.locale === 'string' ? data.locale : 'en-US',
    title: text(data, 'title', 'lesson'),
    intro: text(data, 'intro', 'lesson'),
    labels: Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string')),
    steps,
  };
}

export const LESSON_EN: Lesson = parseLesson(lessonEn);

export type LessonValue = number | string | boolean;

export class LessonTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonTemplateError';
  }
}

/** A number as a sentence shows it: integers whole with separators, others to three significant digits. */
export function formatFigure(value: LessonValue, locale = 'en-US'): string {
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '-∞';
  if (Number.isInteger(value)) return value.toLocaleString(locale);
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2);
  return value.toLocaleString(locale, { maximumSignificantDigits: 3 });
}

/** Replaces every {name} with its figure; a name with no figure is a mistake in the lesson text, and says so. */
export function fillTemplate(
  template: string,
  figures: Readonly<Record<string, string>>,
  where = 'the lesson',
): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const figure = figures[name];
    if (figure === undefined)
      throw new LessonTemplateError(
        `${where} uses {${name}}, which this step does not measure (it has ` +
          `${Object.keys(figures).join(', ') || 'nothing'})`,
      );
    return figure;
  });
}

/** Whether a sentence applies to these figures. */
export function sentenceApplies(sentence: LessonSentence, values: Readonly<Record<string, LessonValue>>): boolean {
  return (
    (sentence.when ?? []).every((flag) => values[flag] === true) &&
    !(sentence.unless ?? []).some((flag) => values[flag] === true)
  );
}

export function findStep(step: number | LessonStepId, lesson: Lesson = LESSON_EN): { step: LessonStep; index: number } {
  const index = typeof step === 'number' ? step : lesson.steps.findIndex((s) => s.id === step);
  const found = lesson.steps[index];
  if (!found)
    throw new RangeError(
      `there is no lesson step ${String(step)}: the steps are 0 to ${lesson.steps.length - 1} ` +
        `(${LESSON_STEP_IDS.join(', ')})`,
    );
  return { step: found, index };
}

/** What the step's run button does, with its grid size filled in. */
export function describeStepRun(step: LessonStep, n = step.n, locale = 'en-US'): string {
  return fillTemplate(step.runs, { n: formatFigure(n, locale) }, `step '${step.id}' (runs)`);
}

/**
 * A step's text filled with what its experiment measured: every figure formatted, the sentences that apply, and the
 * headline.
 */
export interface FilledStep {
  figures: Record<string, string>;
  sentences: string[];
  /** Absent when the step could not measure its headline figure (refused, or unavailable on this machine). */
  headline?: { value: string; unit: string };
}

export function fillStep(
  step: LessonStep,
  values: Readonly<Record<string, LessonValue>>,
  locale = 'en-US',
): FilledStep {
  const figures = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, formatFigure(v, locale)]));
  const sentences = step.sentences
    .filter((s) => sentenceApplies(s, values))
    .map((s, k) => fillTemplate(s.text, figures, `step '${step.id}', sentence ${k + 1}`));
  const headlineValue = figures[step.headline];
  return {
    figures,
    sentences,
    ...(headlineValue !== undefined && values.refused !== true && values.unavailable !== true
      ? {
          headline: {
            value: headlineValue,
            unit: fillTemplate(step.headlineUnit, figures, `step '${step.id}' (headline unit)`),
          },
        }
      : {}),
  };
}
