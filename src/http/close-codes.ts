import { ErrorCode } from '../domain/errors';

/**
 * The WebSocket close codes this server sends, named as the graphql-transport-ws protocol
 * names them (4429 is graphql-ws's code for too many requests, on which its client does not
 * retry). A dashboard reads 4401 and 4403 as "sign in again" (src/web/dashboard.ts).
 */
export const WsCloseCode = {
  /** A stream that needs a caller was asked for without a token. */
  Unauthorized: 4401,
  /** The token was refused at connection_init or on subscribe, or stopped being accepted while open. */
  Forbidden: 4403,
  /** No connection_init within `wsInitTimeoutMs` (graphql-ws sends it itself). */
  ConnectionInitialisationTimeout: 4408,
  /** Too many sockets from one address, or a flood of subscribe messages on one. */
  TooManyRequests: 4429,
} as const;

export type WsCloseCode = (typeof WsCloseCode)[keyof typeof WsCloseCode];

/** The close codes this server chooses itself, each with the error code the refused operation reads. */
export const CLOSE_CODE_ERRORS = {
  [WsCloseCode.Unauthorized]: ErrorCode.UNAUTHENTICATED,
  [WsCloseCode.Forbidden]: ErrorCode.FORBIDDEN,
  [WsCloseCode.TooManyRequests]: ErrorCode.RATE_LIMITED,
} as const satisfies Partial<Record<WsCloseCode, ErrorCode>>;

export type RefusalCloseCode = keyof typeof CLOSE_CODE_ERRORS;
