import { packageConfig } from '../../vitest.shared.js';

const shared = packageConfig(import.meta.url);

// This package has no tfjs dependency, so its tests skip the shared setup file (which loads
// tfjs and its cpu backend for the other packages): faster, and proof that nothing here needs tfjs.
export default { ...shared, test: { ...shared.test, setupFiles: [] } };
