import type { Interceptor } from "@connectrpc/connect";
import { createValidator } from "@bufbuild/protovalidate";
import { DomainError } from "../../shared/domain-error.js";
import { idsOutOfRange } from "../id-range.js";

/**
 * Validates every request message against its protovalidate rules before any handler runs.
 * The message names the field and the rule so a client knows what to fix.
 */
export function createValidationInterceptor(): Interceptor {
  const validator = createValidator();
  // Not async: a valid request costs no promise of its own; a refusal is thrown into the interceptor outside.
  return (next) => (req) => {
    if (!req.stream) {
      const result = validator.validate(req.method.input, req.message);
      if (result.kind === "invalid") {
        const detail = result.error.violations.map((v) => v.toString()).join("; ");
        throw new DomainError("VALIDATION_FAILED", `invalid request: ${detail}`);
      }
      if (result.kind === "error") throw result.error;
      const ids = idsOutOfRange(req.method.input, req.message as unknown as Record<string, unknown>);
      if (ids.length > 0) throw new DomainError("VALIDATION_FAILED", `invalid request: ${ids.join("; ")}`);
    }
    return next(req);
  };
}
