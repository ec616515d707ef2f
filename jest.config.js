// Unit specs sit beside the code (src, *.spec.ts); end-to-end specs live in test/ (*.e2e-spec.ts); service-level
// ("medium") specs, which call service classes on the real databases, in test/medium (*.medium-spec.ts).
module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '(src/.*\\.spec|test/.*\\.e2e-spec|test/medium/.*\\.medium-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  testEnvironment: 'node',
  // Journeys through the browser take tens of seconds; on a busy shared machine (two `npm test` at once, on two
  // cores) several minutes. Tests wait for conditions, so this deadline only ends a test that hangs.
  testTimeout: 480000,
  maxWorkers: 2,
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
};
