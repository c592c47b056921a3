/**
 * Port: tells the queue-token check that a request only replays a stored result. A client that
 * retries Pay after losing the answer has, by then, a token that the payment itself ended; SPEC
 * promises it the first result, so the check lets exactly such retries through.
 */
export interface ReplayCheck {
  isReplay(rpc: string, userId: number, message: unknown): Promise<boolean>;
}
