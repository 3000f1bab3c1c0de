// Viridis, the perceptually uniform colormap matplotlib made its default:
// lightness rises evenly from low to high values and it stays readable in
// grey and to colour-blind eyes. A polynomial fit of matplotlib's table
// (max error under 1/255 per channel), so no 256-entry table ships.

const C0 = [0.2777273272234177, 0.005407344544966578, 0.3340998053353061];
const C1 = [0.1050930431085774, 1.404613529898575, 1.384590162594685];
const C2 = [-0.3308618287255563, 0.214847559468213, 0.09509516302823659];
const C3 = [-4.634230498983486, -5.799100973351585, -19.33244095627987];
const C4 = [6.228269936347081, 14.17993336680509, 56.69055260068105];
const C5 = [4.776384997670288, -13.74514537774601, -65.35303263337234];
const C6 = [-5.435455855934631, 4.645852612178535, 26.3124352495832];

/** RGB in 0..1 for t in 0..1 (clamped). */
export function viridis(t: number): [number, number, number] {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const channel = (k: number) => {
    const v = C0[k]! + x * (C1[k]! + x * (C2[k]! + x * (C3[k]! + x * (C4[k]! + x * (C5[k]! + x * C6[k]!)))));
    return Math.min(1, Math.max(0, v));
  };
  return [channel(0), channel(1), channel(2)];
}

export function viridisCss(t: number): string {
  const [r, g, b] = viridis(t).map((v) => Math.round(v * 255));
  return `rgb(${r}, ${g}, ${b})`;
}
