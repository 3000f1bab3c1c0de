// The formula language's syntax: a tokenizer and a recursive-descent parser
// that turn user text into an AST with source positions. Nothing here runs
// user text; names are only ever looked up in the vocabulary's Maps.

import { CONSTANTS, FUNCTIONS, VARIABLES, knownNames, type BinaryOperator, type VariableName } from './vocabulary.js';

export type { BinaryOperator };

/** Longest formula accepted: longer text is refused before tokenizing. */
export const MAX_FORMULA_LENGTH = 2000;
/** Deepest nesting (parentheses, unary signs, calls) accepted: keeps the parser's stack small. */
export const MAX_FORMULA_DEPTH = 200;

/** A formula the parser refuses, with where in the text (0-based, UTF-16 units) and over how many characters. */
export class FormulaError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly length = 1,
  ) {
    super(message);
    this.name = 'FormulaError';
  }
}

interface Span {
  start: number;
  end: number;
}

export type FormulaAst =
  | ({ kind: 'number'; value: number } & Span)
  | ({ kind: 'variable'; name: VariableName } & Span)
  | ({ kind: 'constant'; name: string; value: number } & Span)
  | ({ kind: 'negate'; operand: FormulaAst } & Span)
  | ({ kind: 'binary'; op: BinaryOperator; left: FormulaAst; right: FormulaAst } & Span)
  | ({ kind: 'call'; name: string; args: FormulaAst[] } & Span);

type TokenKind = 'number' | 'name' | 'op' | '(' | ')' | ',' | 'end';
interface Token extends Span {
  kind: TokenKind;
  text: string;
}

const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const SPACE = /[ \t\r\n]+/y;

function describe(text: string): string {
  const code = text.codePointAt(0)!;
  const printable = code >= 0x20 && code < 0x7f;
  return printable ? `'${text}'` : `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Yields tokens one at a time, so that the first problem in reading order is
 * the one reported, whether it is a stray character or a misplaced name.
 */
function* tokenize(source: string): Generator<Token, Token> {
  let at = 0;
  const match = (pattern: RegExp): string | null => {
    pattern.lastIndex = at;
    const m = pattern.exec(source);
    return m ? m[0] : null;
  };
  while (at < source.length) {
    const space = match(SPACE);
    if (space) {
      at += space.length;
      continue;
    }
    const number = match(NUMBER);
    if (number) {
      yield { kind: 'number', text: number, start: at, end: at + number.length };
      at += number.length;
      continue;
    }
    const name = match(NAME);
    if (name) {
      yield { kind: 'name', text: name, start: at, end: at + name.length };
      at += name.length;
      continue;
    }
    const ch = source[at]!;
    if (source.startsWith('**', at)) {
      // Python's power operator, for users coming from NumPy or JAX.
      yield { kind: 'op', text: '^', start: at, end: at + 2 };
      at += 2;
    } else if ('+-*/%^'.includes(ch)) {
      yield { kind: 'op', text: ch, start: at, end: at + 1 };
      at += 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      yield { kind: ch, text: ch, start: at, end: at + 1 };
      at += 1;
    } else {
      const char = String.fromCodePoint(source.codePointAt(at)!);
      const hint = ch === ';' ? ': a formula is one expression' : ch === '.' ? ': names have no properties' : '';
      throw new FormulaError(`unexpected ${describe(char)}${hint}`, at, char.length);
    }
  }
  return { kind: 'end', text: '', start: source.length, end: source.length };
}

function* endOnly(end: Token): Generator<Token, Token> {
  for (;;) yield end;
}

class Parser {
  private readonly tokens: Token[] = [];
  private index = 0;
  private depth = 0;

  constructor(private lexer: Generator<Token, Token>) {}

  parse(): FormulaAst {
    const ast = this.expression();
    const next = this.peek();
    if (next.kind !== 'end') this.trailing(next);
    return ast;
  }

  private peek(): Token {
    while (this.index >= this.tokens.length) {
      const next = this.lexer.next();
      this.tokens.push(next.value);
      // After 'end' the generator is done; keep answering 'end'.
      if (next.done) this.lexer = endOnly(next.value);
    }
    return this.tokens[this.index]!;
  }

  private take(): Token {
    const t = this.peek();
    this.index++;
    return t;
  }

  /** `expected` names what should have come: "a value", "')' or an operator". */
  private unexpected(token: Token, expected: string): never {
    if (token.kind === 'end')
      throw new FormulaError(`the formula ends too early: expected ${expected}`, token.start, 0);
    throw new FormulaError(
      `unexpected ${describe(token.text)} where ${expected} was expected`,
      token.start,
      token.end - token.start,
    );
  }

  private trailing(token: Token): never {
    const missingOperator = token.kind === 'number' || token.kind === 'name' || token.kind === '(';
    const hint = missingOperator ? ' (missing an operator such as *?)' : '';
    throw new FormulaError(
      `unexpected ${describe(token.text)} after a complete expression${hint}`,
      token.start,
      token.end - token.start,
    );
  }

  private nest<T>(token: Token, body: () => T): T {
    if (++this.depth > MAX_FORMULA_DEPTH) {
      throw new FormulaError(
        `nested too deeply (more than ${MAX_FORMULA_DEPTH} levels)`,
        token.start,
        token.end - token.start,
      );
    }
    try {
      return body();
    } finally {
      this.depth--;
    }
  }

  // expression := term (('+' | '-') term)*
  private expression(): FormulaAst {
    let left = this.term();
    for (let t = this.peek(); t.kind === 'op' && (t.text === '+' || t.text === '-'); t = this.peek()) {
      this.take();
      const right = this.term();
      left = { kind: 'binary', op: t.text, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  // term := unary (('*' | '/' | '%') unary)* — % is mod, at * and /'s precedence, as in Python.
  private term(): FormulaAst {
    let left = this.unary();
    for (
      let t = this.peek();
      t.kind === 'op' && (t.text === '*' || t.text === '/' || t.text === '%');
      t = this.peek()
    ) {
      this.take();
      const right = this.unary();
      left = { kind: 'binary', op: t.text, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  // unary := ('+' | '-') unary | power — so -x^2 is -(x^2), as in Python and maths.
  private unary(): FormulaAst {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.take();
      return this.nest(t, () => {
        const operand = this.unary();
        return t.text === '-' ? { kind: 'negate', operand, start: t.start, end: operand.end } : operand;
      });
    }
    return this.power();
  }

  // power := primary ('^' unary)? — right-associative: 2^3^2 is 2^(3^2).
  private power(): FormulaAst {
    const base = this.primary();
    const t = this.peek();
    if (t.kind === 'op' && t.text === '^') {
      this.take();
      const exponent = this.nest(t, () => this.unary());
      return { kind: 'binary', op: '^', left: base, right: exponent, start: base.start, end: exponent.end };
    }
    return base;
  }

  private primary(): FormulaAst {
    const t = this.take();
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: Number(t.text), start: t.start, end: t.end };
      case 'name':
        return this.name(t);
      case '(':
        return this.nest(t, () => {
          const inner = this.expression();
          this.close(t);
          return inner;
        });
      default:
        this.index--;
        return this.unexpected(t, 'a value');
    }
  }

  private close(open: Token): Token {
    const t = this.peek();
    if (t.kind === ')') return this.take();
    if (t.kind === 'end')
      throw new FormulaError(`missing ')' to close the '(' at column ${open.start + 1}`, t.start, 0);
    return this.unexpected(t, "')' or an operator");
  }

  private name(t: Token): FormulaAst {
    const fn = FUNCTIONS.get(t.text);
    const variable = VARIABLES.get(t.text);
    const constant = CONSTANTS.get(t.text);
    if (fn === undefined && variable === undefined && constant === undefined) {
      throw new FormulaError(`unknown name '${t.text}' (known: ${knownNames().join(', ')})`, t.start, t.end - t.start);
    }
    const isCall = this.peek().kind === '(';
    if (fn) {
      if (!isCall) throw new FormulaError(`${t.text} is a function: write ${t.text}(…)`, t.start, t.end - t.start);
      const open = this.take();
      return this.nest(open, () => {
        const args: FormulaAst[] = [];
        if (this.peek().kind !== ')') {
          args.push(this.expression());
          while (this.peek().kind === ',') {
            this.take();
            args.push(this.expression());
          }
        }
        const close = this.close(open);
        if (args.length !== fn.arity) {
          const want = `${fn.arity} argument${fn.arity === 1 ? '' : 's'}`;
          throw new FormulaError(`${t.text} takes ${want}, got ${args.length}`, t.start, close.end - t.start);
        }
        return { kind: 'call', name: t.text, args, start: t.start, end: close.end };
      });
    }
    if (isCall) throw new FormulaError(`${t.text} is not a function`, t.start, t.end - t.start);
    if (variable !== undefined) return { kind: 'variable', name: variable, start: t.start, end: t.end };
    return { kind: 'constant', name: t.text, value: constant!, start: t.start, end: t.end };
  }
}

/** Parses formula text into an AST, or throws FormulaError with the position of the problem. */
export function parseFormula(text: string): FormulaAst {
  if (typeof text !== 'string') throw new FormulaError('a formula must be text', 0, 0);
  if (text.length > MAX_FORMULA_LENGTH) {
    throw new FormulaError(
      `too long: ${text.length} characters, at most ${MAX_FORMULA_LENGTH}`,
      MAX_FORMULA_LENGTH,
      text.length - MAX_FORMULA_LENGTH,
    );
  }
  if (text.trim() === '') throw new FormulaError('the formula is empty', 0, 0);
  return new Parser(tokenize(text)).parse();
}
