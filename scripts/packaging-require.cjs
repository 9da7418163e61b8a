// CommonJS, as a user with `require` writes it: every densityjs package must refuse require()
// with an error that says it is ESM-only and how to import it, and load with import().
'use strict';
const assert = require('node:assert/strict');
const names = require('node:fs').readdirSync('node_modules/@densityjs').map((n) => `@densityjs/${n}`);

(async () => {
  for (const name of names) {
    let error;
    try {
      require(name);
    } catch (e) {
      error = e;
    }
    assert.ok(error, `require('${name}') did not throw`);
    assert.equal(error.code, 'ERR_DENSITYJS_ESM_ONLY', `require('${name}'): ${error.message}`);
    assert.match(error.message, /is ESM-only/);
    assert.ok(error.message.includes(`await import('${name}')`), error.message);
    const lib = await import(name);
    assert.ok(Object.keys(lib).length > 0, `import('${name}') has no exports`);
    console.log(`${name}: require() -> "${error.message.slice(0, 60)}...", import() -> ${Object.keys(lib).length} exports`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
