// Formulas offered in the lab's formula box. The lesson's f comes first.

export interface FormulaPreset {
  name: string;
  formula: string;
  description: string;
}

export const FORMULA_PRESETS: readonly FormulaPreset[] = [
  {
    name: "The lesson's f",
    formula: 'cos(x^2 + y^2) / (1 + x^2 + y^2)',
    description: 'A damped radial wave: the running example of the lesson.',
  },
  {
    name: 'Ripple',
    formula: 'sin(4*sqrt(x^2 + y^2)) * exp(-(x^2 + y^2)/4)',
    description: 'Rings spreading from the centre, fading outwards.',
  },
  {
    name: 'Saddle',
    formula: 'x^2 - y^2',
    description: 'Up along x, down along y: a polynomial with no transcendental functions.',
  },
  { name: 'Gaussian', formula: 'exp(-(x^2 + y^2))', description: 'A bell: smooth, symmetric, near zero at the edges.' },
  {
    name: 'Tilted bump',
    formula: 'x * exp(-x^2 - y^2)',
    description: 'Not symmetric in x and y: a swapped axis shows at once.',
  },
  { name: 'Pyramid', formula: '1 - max(abs(x), abs(y))', description: 'Flat faces and sharp edges, from abs and max.' },
  { name: 'Soft step', formula: 'tanh(3*x) * cos(y)', description: 'A step in x, a wave in y.' },
  {
    name: 'Rose',
    formula: 'sin(5*atan2(y, x)) * exp(-hypot(x, y))',
    description: 'Five petals around the origin, from the angle atan2(y, x) and the radius hypot(x, y).',
  },
  {
    name: 'Terraces',
    formula: 'floor(2*hypot(x, y)) / 2',
    description: 'Rings of flat steps: floor rounds the radius down.',
  },
];
