import type { SqlStatement } from './sql';
import { InvariantError } from '../core/errors';

const PARAMETER = /\$([a-z][a-zA-Z0-9]*)/g;

/**
 * A statement of fixed text whose parameters are named in it (`$lease`, `$confirmed`). Positions are derived once
 * from the text, so a statement and the values that fill it cannot drift apart; a value the text does not use, or
 * a name the values do not give, is an error at the first call.
 */
export function namedStatement<Params extends Record<string, unknown>>(
  text: string,
  name?: string,
): (params: Params) => SqlStatement {
  const order: string[] = [];
  const positional = text.replace(PARAMETER, (_match, parameter: string) => {
    let position = order.indexOf(parameter);
    if (position < 0) position = order.push(parameter) - 1;
    return `$${position + 1}`;
  });
  return (params) => {
    const given = Object.keys(params);
    const unused = given.filter((key) => !order.includes(key));
    const missing = order.filter((key) => !given.includes(key));
    if (unused.length > 0 || missing.length > 0) {
      throw new InvariantError(
        `statement ${name ?? text.slice(0, 40)}: unused ${unused.join(', ')}; missing ${missing.join(', ')}`,
      );
    }
    const values = order.map((key) => params[key]);
    return name === undefined ? { text: positional, values } : { name, text: positional, values };
  };
}
