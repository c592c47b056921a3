import { Code, ConnectError } from "@connectrpc/connect";

/** A registered RPC whose issue has not landed: it says so instead of faking data. */
export function notYet(rpc: string) {
  return async (): Promise<never> => {
    throw new ConnectError(`${rpc} is not implemented yet`, Code.Unimplemented);
  };
}
