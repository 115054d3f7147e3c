export * from './types';
export * from './limits';
export * from './nesting-depth';
export * from './duration';
export * from './schema';
export * from './expressions';
export * from './fingerprint';
export * from './compile';
