/** Injection tokens for what every area shares (provided by the config module). */
export const LOGGER = Symbol('LOGGER');
export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');
export const BROKER_TRANSPORT = Symbol('BROKER_TRANSPORT');
