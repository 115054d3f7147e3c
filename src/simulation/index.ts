export * from './faults';
export * from './run-simulation';
export * from './scripted-participants';
export * from './simulation-result';
export * from './timeline';
export * from './virtual-clock';
