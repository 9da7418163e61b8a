import { packageConfig } from '../../vitest.shared.js';

export default packageConfig(import.meta.url);
