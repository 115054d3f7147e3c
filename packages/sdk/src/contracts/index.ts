export * from './json';
export * from './topology';
export * from './command';
export * from './reply';
export * from './limits';
export * from './bounded-json';
export * from './lifecycle-event';
