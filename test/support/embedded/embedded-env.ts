// The `integration-embedded` project: test engines start embedded (test/support/test-engine.ts).
process.env.SAGAS_TEST_MODE = 'embedded';
