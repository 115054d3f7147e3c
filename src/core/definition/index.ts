export * from './types';
export * from './duration';
export * from './schema';
export * from './expressions';
export * from './fingerprint';
export * from './compile';
