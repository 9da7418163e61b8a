// Independent float64 plain-JS references for the special functions of @densityjs/core
// (lgamma, digamma, lbeta, erfc, the normal CDF, the regularized incomplete beta and gamma
// functions). Nothing here touches tfjs, and none of it shares code with the float32
// implementations: lgamma by Lanczos (not Stirling), erfc by series / continued fraction (not
// the Chebyshev fit), digamma and the incomplete functions at float64 precision.

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const xm = x - 1;
  let a = LANCZOS[0]!;
  const t = xm + LANCZOS_G + 0.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (xm + i);
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ψ(x) for x > 0: recurrence to x >= 12, then the asymptotic series to x^-12. */
export function digamma(x: number): number {
  let result = 0;
  while (x < 12) {
    result -= 1 / x;
    x += 1;
  }
  const r2 = 1 / (x * x);
  return (
    result +
    Math.log(x) -
    0.5 / x -
    r2 * (1 / 12 - r2 * (1 / 120 - r2 * (1 / 252 - r2 * (1 / 240 - r2 * (1 / 132 - r2 * (691 / 32760))))))
  );
}

export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** log erfc(x) for any real x, float64: Taylor series of erf for |x| < 2, continued fraction beyond. */
export function logErfc(x: number): number {
  if (x < 2) {
    if (x < -2) return Math.log(2 - Math.exp(logErfc(-x)));
    // erf(x) = 2/√π Σ (-1)^n x^{2n+1} / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.log1p(-(2 / Math.sqrt(Math.PI)) * sum);
  }
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -x * x - 0.5 * Math.log(Math.PI) - Math.log(f);
}

export function erfc(x: number): number {
  return Math.exp(logErfc(x));
}

/** log Φ(z) (standard normal log-CDF), float64, accurate in both tails. */
export function logNdtr(z: number): number {
  if (z < 0) return Math.log(0.5) + logErfc(-z / Math.SQRT2);
  return Math.log1p(-0.5 * erfc(z / Math.SQRT2));
}

export function ndtr(z: number): number {
  if (z < 0) return 0.5 * erfc(-z / Math.SQRT2);
  return 1 - 0.5 * erfc(z / Math.SQRT2);
}

/** Continued fraction for the incomplete beta (Numerical Recipes betacf), float64. */
function betacf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b), float64. */
export function betainc(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - lbeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betacf(a, b, x)) / a;
  return 1 - (front * betacf(b, a, 1 - x)) / b;
}

/**
 * log I_x(a, b), float64, in log space on the side where the continued fraction converges
 * (finite where I_x underflows); log(1 - I_x(a, b)) is logBetainc(b, a, 1 - x).
 */
export function logBetainc(a: number, b: number, x: number): number {
  if (x <= 0) return -Infinity;
  if (x >= 1) return 0;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - lbeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return logFront + Math.log(betacf(a, b, x) / a);
  return Math.log1p(-Math.exp(logFront) * (betacf(b, a, 1 - x) / b));
}

/** log(x^a e^-x / Γ(a)), the factor in front of both expansions of P(a, x). */
function igammaLogFront(a: number, x: number): number {
  return a * Math.log(x) - x - lgamma(a);
}

/** Σ_n x^n / (a (a+1) ... (a+n)): P(a, x) = front * series (converges fast for x < a + 1). */
function igammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 1; n < 100000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * 1e-17) break;
  }
  return sum;
}

/** Legendre's continued fraction (modified Lentz): Q(a, x) = front * fraction (for x >= a + 1). */
function igammaFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularized lower incomplete gamma P(a, x), float64 (series / continued fraction to 1e-16). */
export function igamma(a: number, x: number): number {
  if (x <= 0) return 0;
  const front = Math.exp(igammaLogFront(a, x));
  return x < a + 1 ? front * igammaSeries(a, x) : 1 - front * igammaFraction(a, x);
}

/** log P(a, x), float64: the series in log form below x = a + 1 (finite where P underflows). */
export function logIgamma(a: number, x: number): number {
  if (x <= 0) return -Infinity;
  if (x < a + 1) return igammaLogFront(a, x) + Math.log(igammaSeries(a, x));
  return Math.log1p(-Math.exp(igammaLogFront(a, x)) * igammaFraction(a, x));
}

/**
 * log Q(a, x) = log(1 - P(a, x)), float64: log(1 - series) below x = a + 1, the continued
 * fraction in log form above (finite far into the upper tail, where 1 - P rounds to 0).
 */
export function logIgammac(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) return Math.log1p(-igamma(a, x));
  return igammaLogFront(a, x) + Math.log(igammaFraction(a, x));
}
