/** Injection tokens for the engine's parts, which are built outside Nest and handed to it. */
export const ENGINE = Symbol('ENGINE');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');
