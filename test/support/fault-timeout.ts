// Fault tests run real processes through kills and outages.
jest.setTimeout(240000);
