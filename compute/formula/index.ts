// The formula language: user text → AST → a traceable function of (x, y).
export {
  FormulaError,
  parseFormula,
  MAX_FORMULA_LENGTH,
  MAX_FORMULA_DEPTH,
  type FormulaAst,
  type BinaryOperator,
} from './syntax.js';
export { compileFormula, checkFormula, type CompiledFormula, type FormulaCheck } from './compile.js';
export { evaluateFormulaScalar } from './evaluate.js';
export { FORMULA_PRESETS, type FormulaPreset } from './presets.js';
export {
  FUNCTIONS,
  OPERATORS,
  CONSTANTS,
  VARIABLES,
  knownNames,
  type VariableName,
  type FormulaFunction,
  type FormulaPrimitive,
} from './vocabulary.js';
