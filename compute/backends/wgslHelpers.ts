// The WGSL functions the emitter's expressions call (vlab_exp, vlab_atan2,
// vlab_mod, …): float32 implementations with explicit range reduction and
// NumPy's special cases, where WGSL's built-ins are loosely specified. Each
// helper names the helpers it calls; a shader gets exactly those it uses, in
// dependency order. WGSL text written here, never built from user input.

/**
 * Helper functions, each with the helpers it calls. Special values come from
 * the uniform block (vlab_inf, vlab_nan): WGSL rejects a constant NaN or
 * infinity at shader creation, and a runtime value cannot be folded away.
 */
const HELPERS: Record<string, { deps: readonly string[]; source: string }> = {
  vlab_inf: { deps: [], source: 'fn vlab_inf() -> f32 { return bitcast<f32>(params.v[0].w); }' },
  vlab_nan: { deps: [], source: 'fn vlab_nan() -> f32 { return bitcast<f32>(params.v[1].x); }' },
  // Tested on the bits: a compiler may assume x == x.
  vlab_is_nan: {
    deps: [],
    source: 'fn vlab_is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }',
  },
  vlab_is_inf: {
    deps: [],
    source: 'fn vlab_is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }',
  },
  vlab_min: {
    deps: ['vlab_is_nan', 'vlab_nan'],
    source: `// NumPy's minimum: NaN in either operand gives NaN.
fn vlab_min(a: f32, b: f32) -> f32 {
  if (vlab_is_nan(a) || vlab_is_nan(b)) { return vlab_nan(); }
  return select(b, a, a < b);
}`,
  },
  vlab_max: {
    deps: ['vlab_is_nan', 'vlab_nan'],
    source: `fn vlab_max(a: f32, b: f32) -> f32 {
  if (vlab_is_nan(a) || vlab_is_nan(b)) { return vlab_nan(); }
  return select(b, a, a > b);
}`,
  },
  // e^x / 2 by Cody and Waite's reduction: x = n ln2 + r with |r| <= ln2 / 2
  // (ln2 in two parts, so r is nearly exact), then 2^(n - 1) e^r. WGSL's exp is
  // allowed 3 + 2|x| ulp: over 100 ulp near 88 if taken whole, a few on r. Halved,
  // so that e^x / 2 stays finite up to x = 89.4, where float32's sinh and cosh still are.
  vlab_exp_half: {
    deps: [],
    source: `fn vlab_exp_half(x: f32) -> f32 {
  let n = round(x * 1.44269504089f);
  let r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  return ldexp(exp(r), i32(n) - 2) * 2.0f;
}`,
  },
  vlab_exp: {
    deps: ['vlab_is_nan', 'vlab_inf', 'vlab_exp_half'],
    source: `fn vlab_exp(x: f32) -> f32 {
  if (vlab_is_nan(x)) { return x; }
  if (x > 88.72284f) { return vlab_inf(); }
  if (x < -103.97208f) { return 0.0f; }
  return 2.0f * vlab_exp_half(x);
}`,
  },
  // log, log2 and log10 are written here, not taken from WGSL: its log is
  // allowed an absolute error of 2^-21 near 1, a relative error of 1e-4 there
  // (and pow's exponent inherits it). As Cephes' logf: x = m 2^e with m in
  // [sqrt(1/2), sqrt(2)), then log(m) = 2 atanh(s), s = (m - 1) / (m + 1), by its series.
  vlab_log_parts: {
    deps: [],
    source: `// (e, log(m)) for a finite x > 0.
fn vlab_log_parts(x: f32) -> vec2<f32> {
  var v = x;
  var e = 0.0f;
  if (v < 1.17549435e-38f) {
    v = v * 8388608.0f;
    e = -23.0f;
  }
  let bits = bitcast<u32>(v);
  e = e + f32(i32((bits >> 23u) & 0xffu) - 127);
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356f) {
    m = 0.5f * m;
    e = e + 1.0f;
  }
  let f = m - 1.0f;
  let s = f / (2.0f + f);
  let z = s * s;
  let s2 = s + s;
  return vec2<f32>(e, s2 + s2 * z * (0.333333333f + z * (0.2f + z * (0.142857143f + z * (0.111111111f
    + z * 0.0909090909f)))));
}`,
  },
  // NaN below 0, -Inf at 0, Inf at Inf; else the finite x > 0 that vlab_log_parts takes.
  vlab_log_special: {
    deps: ['vlab_is_nan', 'vlab_inf', 'vlab_nan'],
    source: `fn vlab_log_special(x: f32) -> f32 {
  if (vlab_is_nan(x) || x < 0.0f) { return vlab_nan(); }
  if (x == 0.0f) { return -vlab_inf(); }
  return x;
}`,
  },
  vlab_log: {
    deps: ['vlab_log_parts', 'vlab_log_special', 'vlab_inf'],
    source: `fn vlab_log(x: f32) -> f32 {
  if (!(x > 0.0f) || x == vlab_inf()) { return vlab_log_special(x); }
  let p = vlab_log_parts(x);
  return p.x * 0.693359375f + (p.x * -2.12194440e-4f + p.y);
}`,
  },
  vlab_log2: {
    deps: ['vlab_log_parts', 'vlab_log_special', 'vlab_inf'],
    source: `fn vlab_log2(x: f32) -> f32 {
  if (!(x > 0.0f) || x == vlab_inf()) { return vlab_log_special(x); }
  let p = vlab_log_parts(x);
  return p.x + p.y * 1.44269504089f;
}`,
  },
  vlab_log10: {
    deps: ['vlab_log_parts', 'vlab_log_special', 'vlab_inf'],
    source: `fn vlab_log10(x: f32) -> f32 {
  if (!(x > 0.0f) || x == vlab_inf()) { return vlab_log_special(x); }
  let p = vlab_log_parts(x);
  // log10(2) and log10(e) each split in two, so e log10(2) keeps its digits.
  return ((p.y * 7.00731903251827651e-4f + p.x * 2.48745663981195214e-4f) + p.y * 4.3359375e-1f) + p.x * 3.0078125e-1f;
}`,
  },
  vlab_sqrt: {
    deps: ['vlab_is_nan', 'vlab_inf', 'vlab_nan'],
    source: `fn vlab_sqrt(x: f32) -> f32 {
  if (vlab_is_nan(x) || x < 0.0f) { return vlab_nan(); }
  if (x == 0.0f || x == vlab_inf()) { return x; }
  return sqrt(x);
}`,
  },
  // Cephes' single-precision sin/cos/tan: the argument is reduced by multiples
  // of pi/4 in three parts (exact products for |x| < 8192), then a minimax
  // polynomial on [-pi/4, pi/4]: a few ulp there. Beyond 8192, where one
  // float32 ulp is already 1/1024 of a period, the adapter's own function
  // answers (drivers reduce such arguments with more or less care).
  vlab_trig_reduce: {
    deps: [],
    source: `const VLAB_FOPI: f32 = 1.27323954473516f;
const VLAB_DP1: f32 = 0.78515625f;
const VLAB_DP2: f32 = 2.4187564849853515625e-4f;
const VLAB_DP3: f32 = 3.77489497744594108e-8f;
// |x| as z + j * pi/4 with j even and |z| <= pi/4; returns (z, j).
fn vlab_trig_reduce(ax: f32) -> vec2<f32> {
  var j = u32(ax * VLAB_FOPI);
  j = j + (j & 1u);
  let y = f32(j);
  let z = ((ax - y * VLAB_DP1) - y * VLAB_DP2) - y * VLAB_DP3;
  return vec2<f32>(z, f32(j & 7u));
}
fn vlab_sin_poly(z: f32) -> f32 {
  let zz = z * z;
  return ((-1.9515295891e-4f * zz + 8.3321608736e-3f) * zz - 1.6666654611e-1f) * zz * z + z;
}
fn vlab_cos_poly(z: f32) -> f32 {
  let zz = z * z;
  return ((2.443315711809948e-5f * zz - 1.388731625493765e-3f) * zz + 4.166664568298827e-2f) * zz * zz
    - 0.5f * zz + 1.0f;
}`,
  },
  vlab_sin: {
    deps: ['vlab_trig_reduce', 'vlab_is_inf', 'vlab_nan'],
    source: `fn vlab_sin(x: f32) -> f32 {
  if (vlab_is_inf(x)) { return vlab_nan(); }
  if (abs(x) >= 8192.0f) { return sin(x); }
  let r = vlab_trig_reduce(abs(x));
  let q = u32(r.y);
  var s = select(vlab_sin_poly(r.x), vlab_cos_poly(r.x), q == 2u || q == 6u);
  s = select(s, -s, q >= 4u);
  return select(s, -s, x < 0.0f);
}`,
  },
  vlab_cos: {
    deps: ['vlab_trig_reduce', 'vlab_is_inf', 'vlab_nan'],
    source: `fn vlab_cos(x: f32) -> f32 {
  if (vlab_is_inf(x)) { return vlab_nan(); }
  if (abs(x) >= 8192.0f) { return cos(x); }
  let r = vlab_trig_reduce(abs(x));
  let q = u32(r.y);
  let c = select(vlab_cos_poly(r.x), vlab_sin_poly(r.x), q == 2u || q == 6u);
  return select(c, -c, q == 2u || q == 4u);
}`,
  },
  vlab_tan: {
    deps: ['vlab_trig_reduce', 'vlab_is_inf', 'vlab_nan'],
    source: `fn vlab_tan(x: f32) -> f32 {
  if (vlab_is_inf(x)) { return vlab_nan(); }
  if (abs(x) >= 8192.0f) { return tan(x); }
  let r = vlab_trig_reduce(abs(x));
  let z = r.x;
  let zz = z * z;
  var t = (((((9.38540185543e-3f * zz + 3.11992232697e-3f) * zz + 2.44301354525e-2f) * zz + 5.34112807005e-2f) * zz
    + 1.33387994085e-1f) * zz + 3.33331568548e-1f) * zz * z + z;
  if ((u32(r.y) & 2u) != 0u) { t = -1.0f / t; }
  return select(t, -t, x < 0.0f);
}`,
  },
  // Cephes' tanhf: a polynomial near 0 (where (e^2x - 1)/(e^2x + 1) cancels), ±1 beyond float32's reach.
  vlab_tanh: {
    deps: [],
    source: `fn vlab_tanh(x: f32) -> f32 {
  let z = abs(x);
  if (z > 10.0f) { return select(1.0f, -1.0f, x < 0.0f); }
  if (z >= 0.625f) {
    let t = 1.0f - 2.0f / (exp(z + z) + 1.0f);
    return select(t, -t, x < 0.0f);
  }
  let s = x * x;
  return ((((-5.70498872745e-3f * s + 2.06390887954e-2f) * s - 5.37397155531e-2f) * s + 1.33314422036e-1f) * s
    - 3.33332819422e-1f) * s * x + x;
}`,
  },
  // NumPy's sign: +0 for ±0 (WGSL's sign leaves a NaN's result unspecified).
  vlab_sign: {
    deps: ['vlab_is_nan'],
    source: `fn vlab_sign(x: f32) -> f32 {
  if (vlab_is_nan(x)) { return x; }
  return select(select(0.0f, -1.0f, x < 0.0f), 1.0f, x > 0.0f);
}`,
  },
  // Cephes' atanf: the argument reduced to |x| <= tan(pi/8) by the identities
  // atan(x) = pi/2 - atan(1/x) and pi/4 + atan((x-1)/(x+1)), then a minimax polynomial: about 2 ulp.
  // WGSL's own atan and atan2 may be off by 4096 ulp.
  vlab_atan: {
    deps: ['vlab_is_nan'],
    source: `fn vlab_atan(v: f32) -> f32 {
  if (vlab_is_nan(v)) { return v; }
  var x = abs(v);
  var y = 0.0f;
  if (x > 2.414213562373095f) {
    y = 1.5707963267948966f;
    x = -1.0f / x;
  } else if (x > 0.4142135623730950f) {
    y = 0.7853981633974483f;
    x = (x - 1.0f) / (x + 1.0f);
  }
  let z = x * x;
  y = y + (((8.05374449538e-2f * z - 1.38776856032e-1f) * z + 1.99777106478e-1f) * z - 3.33329491539e-1f) * z * x + x;
  return select(y, -y, v < 0.0f);
}`,
  },
  // C's atan2 with its signed zeros and infinities (the cases WGSL leaves undefined).
  vlab_atan2: {
    deps: ['vlab_atan', 'vlab_is_nan', 'vlab_is_inf', 'vlab_nan'],
    source: `fn vlab_atan2(y: f32, x: f32) -> f32 {
  if (vlab_is_nan(x) || vlab_is_nan(y)) { return vlab_nan(); }
  let pi = 3.14159265358979f;
  let yNegative = (bitcast<u32>(y) & 0x80000000u) != 0u;
  let xNegative = (bitcast<u32>(x) & 0x80000000u) != 0u;
  var r: f32;
  if (y == 0.0f) {
    r = select(0.0f, pi, xNegative);
  } else if (vlab_is_inf(y)) {
    r = select(select(1.5707963267948966f, 2.35619449019234f, vlab_is_inf(x) && xNegative), 0.7853981633974483f,
      vlab_is_inf(x) && !xNegative);
  } else if (x == 0.0f) {
    r = 1.5707963267948966f;
  } else if (vlab_is_inf(x)) {
    r = select(0.0f, pi, xNegative);
  } else {
    let t = vlab_atan(abs(y) / abs(x));
    r = select(t, pi - t, xNegative);
  }
  return select(r, -r, yNegative);
}`,
  },
  // Cephes' asinf: a polynomial on |x| <= 1/2, and asin(x) = pi/2 - 2 asin(sqrt((1 - x) / 2)) beyond.
  vlab_asin_core: {
    deps: [],
    source: `fn vlab_asin_core(a: f32) -> f32 {
  var x = a;
  var z = a * a;
  let wide = a > 0.5f;
  if (wide) {
    z = 0.5f * (1.0f - a);
    x = sqrt(z);
  }
  var r = x;
  if (x >= 1.0e-4f) {
    r = ((((4.2163199048e-2f * z + 2.4181311049e-2f) * z + 4.5470025998e-2f) * z + 7.4953002686e-2f) * z
      + 1.6666752422e-1f) * z * x + x;
  }
  if (wide) { r = 1.5707963267948966f - (r + r); }
  return r;
}`,
  },
  vlab_asin: {
    deps: ['vlab_asin_core', 'vlab_is_nan', 'vlab_nan'],
    source: `fn vlab_asin(x: f32) -> f32 {
  if (vlab_is_nan(x) || abs(x) > 1.0f) { return vlab_nan(); }
  let r = vlab_asin_core(abs(x));
  return select(r, -r, x < 0.0f);
}`,
  },
  vlab_acos: {
    deps: ['vlab_asin_core', 'vlab_is_nan', 'vlab_nan'],
    source: `fn vlab_acos(x: f32) -> f32 {
  if (vlab_is_nan(x) || abs(x) > 1.0f) { return vlab_nan(); }
  if (x < -0.5f) { return 3.14159265358979f - 2.0f * vlab_asin_core(sqrt(0.5f * (1.0f + x))); }
  if (x > 0.5f) { return 2.0f * vlab_asin_core(sqrt(0.5f * (1.0f - x))); }
  let r = vlab_asin_core(abs(x));
  return 1.5707963267948966f - select(r, -r, x < 0.0f);
}`,
  },
  // Cephes' sinhf and coshf on vlab_exp_half. WGSL's own are (e^x ∓ e^-x) / 2:
  // they cancel near 0 and overflow from |x| = 88.7, where float32's sinh and
  // cosh reach 89.4. Beyond 20, e^-|x| is below half an ulp of e^|x|.
  vlab_sinh: {
    deps: ['vlab_is_nan', 'vlab_inf', 'vlab_exp_half'],
    source: `fn vlab_sinh(x: f32) -> f32 {
  if (vlab_is_nan(x)) { return x; }
  let a = abs(x);
  var r: f32;
  if (a > 89.5f) {
    r = vlab_inf();
  } else if (a > 20.0f) {
    r = vlab_exp_half(a);
  } else if (a > 1.0f) {
    let e = 2.0f * vlab_exp_half(a);
    r = 0.5f * e - 0.5f / e;
  } else {
    let z = a * a;
    r = ((2.03721912945e-4f * z + 8.33028376239e-3f) * z + 1.66667160211e-1f) * z * a + a;
  }
  return select(r, -r, x < 0.0f);
}`,
  },
  vlab_cosh: {
    deps: ['vlab_is_nan', 'vlab_inf', 'vlab_exp_half'],
    source: `fn vlab_cosh(x: f32) -> f32 {
  if (vlab_is_nan(x)) { return x; }
  let a = abs(x);
  if (a > 89.5f) { return vlab_inf(); }
  if (a > 20.0f) { return vlab_exp_half(a); }
  let e = 2.0f * vlab_exp_half(a);
  return 0.5f * (e + 1.0f / e);
}`,
  },
  // hypot scaled by the larger magnitude, so neither squares overflows nor underflows;
  // an infinity wins over a NaN, as in C.
  vlab_hypot: {
    deps: ['vlab_is_nan', 'vlab_is_inf', 'vlab_inf', 'vlab_nan'],
    source: `fn vlab_hypot(a: f32, b: f32) -> f32 {
  if (vlab_is_inf(a) || vlab_is_inf(b)) { return vlab_inf(); }
  if (vlab_is_nan(a) || vlab_is_nan(b)) { return vlab_nan(); }
  let big = max(abs(a), abs(b));
  let small = min(abs(a), abs(b));
  if (big == 0.0f) { return 0.0f; }
  let r = small / big;
  return big * sqrt(1.0f + r * r);
}`,
  },
  // C's fmod, exact, on the bits (musl's fmodf): the mantissas' long division,
  // one bit per step. WGSL's % is x - y * trunc(x / y), which loses every
  // digit once the quotient passes 2^24.
  vlab_fmod: {
    deps: ['vlab_nan'],
    source: `fn vlab_fmod(x: f32, y: f32) -> f32 {
  var ux = bitcast<u32>(x);
  var uy = bitcast<u32>(y);
  var ex = i32((ux >> 23u) & 0xffu);
  var ey = i32((uy >> 23u) & 0xffu);
  let sx = ux & 0x80000000u;
  let ax = ux & 0x7fffffffu;
  let ay = uy & 0x7fffffffu;
  if (ay == 0u || ay > 0x7f800000u || ex == 255) { return vlab_nan(); }
  if (ax <= ay) {
    if (ax == ay) { return bitcast<f32>(sx); }
    return x;
  }
  if (ex == 0) {
    var i = ux << 9u;
    loop { if ((i >> 31u) != 0u) { break; } ex = ex - 1; i = i << 1u; }
    ux = ux << u32(1 - ex);
  } else {
    ux = (ux & 0x007fffffu) | 0x00800000u;
  }
  if (ey == 0) {
    var i = uy << 9u;
    loop { if ((i >> 31u) != 0u) { break; } ey = ey - 1; i = i << 1u; }
    uy = uy << u32(1 - ey);
  } else {
    uy = (uy & 0x007fffffu) | 0x00800000u;
  }
  loop {
    if (ex <= ey) { break; }
    if (ux >= uy) {
      if (ux == uy) { return bitcast<f32>(sx); }
      ux = ux - uy;
    }
    ux = ux << 1u;
    ex = ex - 1;
  }
  if (ux >= uy) {
    if (ux == uy) { return bitcast<f32>(sx); }
    ux = ux - uy;
  }
  loop { if ((ux >> 23u) != 0u) { break; } ux = ux << 1u; ex = ex - 1; }
  if (ex > 0) {
    ux = (ux - 0x00800000u) | (u32(ex) << 23u);
  } else {
    ux = ux >> u32(1 - ex);
  }
  return bitcast<f32>(ux | sx);
}`,
  },
  // NumPy's mod (npy_remainder): fmod moved into the divisor's range, a zero with the divisor's sign.
  vlab_mod: {
    deps: ['vlab_fmod', 'vlab_is_nan'],
    source: `fn vlab_mod(a: f32, b: f32) -> f32 {
  let m = vlab_fmod(a, b);
  if (vlab_is_nan(m)) { return m; }
  let bNegative = (bitcast<u32>(b) & 0x80000000u) != 0u;
  if (m == 0.0f) { return select(0.0f, -0.0f, bNegative); }
  if ((b < 0.0f) != (m < 0.0f)) { return m + b; }
  return m;
}`,
  },
  vlab_ipow: {
    deps: [],
    source: `fn vlab_ipow(a: f32, k: u32) -> f32 {
  var result = 1.0f;
  var base = a;
  var e = k;
  loop {
    if ((e & 1u) != 0u) { result = result * base; }
    e = e >> 1u;
    if (e == 0u) { break; }
    base = base * base;
  }
  return result;
}`,
  },
  // C's (and NumPy's) pow, special cases included (scalarSemantics.pow); the
  // magnitude as exp2(b * log2|a|), the sign from an odd integer exponent.
  vlab_pow: {
    deps: ['vlab_is_nan', 'vlab_is_inf', 'vlab_inf', 'vlab_nan', 'vlab_log2'],
    source: `fn vlab_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0f || a == 1.0f) { return 1.0f; }
  if (vlab_is_nan(a) || vlab_is_nan(b)) { return vlab_nan(); }
  let m = abs(a);
  if (vlab_is_inf(b)) {
    if (m == 1.0f) { return 1.0f; }
    return select(0.0f, vlab_inf(), (m > 1.0f) == (b > 0.0f));
  }
  let integer = floor(b) == b;
  // Every float32 of magnitude 2^24 or more is an even integer.
  let odd = integer && abs(b) < 16777216.0f && floor(b * 0.5f) != b * 0.5f;
  let negative = (bitcast<u32>(a) & 0x80000000u) != 0u;
  var r: f32;
  if (m == 0.0f || vlab_is_inf(a)) {
    r = select(0.0f, vlab_inf(), (m == 0.0f) == (b < 0.0f));
  } else {
    if (negative && !integer) { return vlab_nan(); }
    r = exp2(b * vlab_log2(m));
  }
  return select(r, -r, negative && odd);
}`,
  },
};

/** The helpers the code calls, each after the ones it depends on. */
export function helperSources(code: string): string[] {
  const ordered: string[] = [];
  const visit = (name: string) => {
    if (ordered.includes(name)) return;
    const helper = HELPERS[name];
    if (!helper) throw new Error(`wgsl: no helper named ${name}`);
    for (const dep of helper.deps) visit(dep);
    ordered.push(name);
  };
  const called = (text: string) => [...text.matchAll(/\b(vlab_[a-z0-9_]+)\(/g)].map((m) => m[1]!);
  for (const name of called(code)) visit(name);
  return ordered.map((name) => HELPERS[name]!.source);
}

/** The full source of a helper and its dependencies, for tests. */
export function helpersFor(code: string): string {
  return helperSources(code).join('\n');
}
