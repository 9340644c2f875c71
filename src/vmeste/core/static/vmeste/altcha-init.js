// The ALTCHA widget's workers, from our own origin: the CSP allows scripts and workers from 'self'
// only (no blob:), so the widget is the "external" build and each algorithm's worker is a file.
// Loaded as a module after vendor/altcha/altcha.min.js, which defines globalThis.$altcha.
const base = new URL("../vendor/altcha/workers/", import.meta.url);
for (const algorithm of ["SHA-256", "SHA-384", "SHA-512"]) {
  globalThis.$altcha.algorithms.set(algorithm, () => new Worker(new URL("sha.js", base)));
}
