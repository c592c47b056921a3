/** Port the booking module uses to end a fan's queue session after a successful Pay (SPEC: the token ends at once). */
export interface ActiveSessions {
  end(concertId: number, userId: number, reason: "paid"): Promise<void>;
}
