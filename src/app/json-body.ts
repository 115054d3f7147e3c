import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { errorBody } from '../api/error-body';

/** JSON body parsing with a size limit; its errors get the API's error shape (413, 400) instead of HTML. */
export function jsonBody(maxBytes: number): RequestHandler {
  const parse = express.json({ limit: maxBytes, strict: false });
  return (request: Request, response: Response, next: NextFunction) => {
    parse(request, response, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const { type, status } = error as { type?: string; status?: number };
      if (type === 'entity.too.large') {
        response.status(413).json(errorBody('PAYLOAD_TOO_LARGE', `request body exceeds ${maxBytes} bytes`));
      } else if (type === 'entity.parse.failed') {
        response.status(400).json(errorBody('MALFORMED_JSON', 'request body is not valid JSON'));
      } else {
        response.status(status ?? 400).json(errorBody('BAD_REQUEST', (error as Error).message));
      }
    });
  };
}
